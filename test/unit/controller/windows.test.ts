import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RolloutWindows } from '../../../src/controller/windows.js';
import { nextAllowedAt, windowAllows } from '../../../src/controller/windows.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const mfa: RolloutWindows = { allow: '* 9-15 * * 1-4', deny: ['* 14 * * *'], timezone: 'Europe/Berlin' };
const at = (iso: string) => new Date(iso);

describe('windowAllows', () => {
  it('allows everything without windows', () => {
    expect(windowAllows(undefined, at('2026-11-29T03:00:00Z'))).toBe(true);
  });

  it.each([
    ['2026-11-30T07:59:00Z', false, 'Mon 08:59 Berlin, before allow'],
    ['2026-11-30T08:00:00Z', true, 'Mon 09:00 Berlin'],
    ['2026-11-30T12:59:59Z', true, 'Mon 13:59:59 Berlin'],
    ['2026-11-30T13:00:00Z', false, 'Mon 14:00 Berlin, deny hour'],
    ['2026-11-30T13:59:00Z', false, 'Mon 14:59 Berlin, deny hour'],
    ['2026-11-30T14:00:00Z', true, 'Mon 15:00 Berlin'],
    ['2026-11-30T14:59:00Z', true, 'Mon 15:59 Berlin'],
    ['2026-11-30T15:00:00Z', false, 'Mon 16:00 Berlin, after allow'],
    ['2026-12-03T10:00:00Z', true, 'Thu 11:00 Berlin'],
    ['2026-12-04T10:00:00Z', false, 'Fri 11:00 Berlin'],
    ['2026-11-29T10:00:00Z', false, 'Sun 11:00 Berlin'],
  ])('mfa-staff windows at %s -> %s (%s)', (iso, expected) => {
    expect(windowAllows(mfa, at(iso))).toBe(expected);
  });

  it('keeps the daily 14:00 Berlin deny hour across the spring DST change', () => {
    const deny: RolloutWindows = { deny: ['* 14 * * *'], timezone: 'Europe/Berlin' };
    // 2026-03-28 is CET (UTC+1), 2026-03-30 is CEST (UTC+2); DST starts 2026-03-29 02:00.
    expect(windowAllows(deny, at('2026-03-28T13:30:00Z'))).toBe(false);
    expect(windowAllows(deny, at('2026-03-28T12:30:00Z'))).toBe(true);
    expect(windowAllows(deny, at('2026-03-30T12:30:00Z'))).toBe(false);
    expect(windowAllows(deny, at('2026-03-30T13:30:00Z'))).toBe(true);
  });

  it('keeps the deny hour across the autumn DST change', () => {
    const deny: RolloutWindows = { deny: ['* 14 * * *'], timezone: 'Europe/Berlin' };
    expect(windowAllows(deny, at('2026-10-24T12:00:00Z'))).toBe(false); // CEST
    expect(windowAllows(deny, at('2026-10-26T12:00:00Z'))).toBe(true); // CET: 13:00 local
    expect(windowAllows(deny, at('2026-10-26T13:00:00Z'))).toBe(false);
  });

  it('matches lists, steps and month/day names', () => {
    const w: RolloutWindows = { allow: '*/15 * * jan-mar mon,fri', deny: [], timezone: 'UTC' };
    expect(windowAllows(w, at('2026-01-05T10:15:00Z'))).toBe(true); // Monday
    expect(windowAllows(w, at('2026-01-05T10:16:00Z'))).toBe(false);
    expect(windowAllows(w, at('2026-01-06T10:15:00Z'))).toBe(false); // Tuesday
    expect(windowAllows(w, at('2026-04-06T10:15:00Z'))).toBe(false); // April
  });

  it('requires both day-of-month and day-of-week, as node-cron does', () => {
    const w: RolloutWindows = { allow: '* * 1-7 * 1', deny: [], timezone: 'UTC' };
    expect(windowAllows(w, at('2026-06-01T10:00:00Z'))).toBe(true); // Mon 1st
    expect(windowAllows(w, at('2026-06-08T10:00:00Z'))).toBe(false); // Mon 8th
    expect(windowAllows(w, at('2026-06-02T10:00:00Z'))).toBe(false); // Tue 2nd
  });

  it('supports L, W and # day tokens', () => {
    const utc = (allow: string): RolloutWindows => ({ allow, deny: [], timezone: 'UTC' });
    expect(windowAllows(utc('* * L * *'), at('2026-02-28T10:00:00Z'))).toBe(true);
    expect(windowAllows(utc('* * L * *'), at('2026-02-27T10:00:00Z'))).toBe(false);
    // 2026-08-15 is a Saturday: 15W is Friday the 14th.
    expect(windowAllows(utc('* * 15W * *'), at('2026-08-14T10:00:00Z'))).toBe(true);
    expect(windowAllows(utc('* * 15W * *'), at('2026-08-15T10:00:00Z'))).toBe(false);
    expect(windowAllows(utc('* * * * 1#2'), at('2026-06-08T10:00:00Z'))).toBe(true);
    expect(windowAllows(utc('* * * * 1#2'), at('2026-06-01T10:00:00Z'))).toBe(false);
    expect(windowAllows(utc('* * * * 5L'), at('2026-06-26T10:00:00Z'))).toBe(true);
    expect(windowAllows(utc('* * * * 5L'), at('2026-06-19T10:00:00Z'))).toBe(false);
  });

  it('ignores the optional seconds field: windows are per minute', () => {
    const w: RolloutWindows = { allow: '30 * 9 * * *', deny: [], timezone: 'UTC' };
    expect(windowAllows(w, at('2026-06-01T09:17:05Z'))).toBe(true);
    expect(windowAllows(w, at('2026-06-01T10:17:30Z'))).toBe(false);
  });
});

describe('nextAllowedAt', () => {
  it('returns from itself when it is allowed', () => {
    const from = at('2026-11-30T09:00:30Z');
    expect(nextAllowedAt(mfa, from, DAY)).toEqual(from);
    expect(nextAllowedAt(undefined, from, 0)).toEqual(from);
  });

  it('skips the deny hour', () => {
    expect(nextAllowedAt(mfa, at('2026-11-30T13:10:42Z'), DAY)).toEqual(at('2026-11-30T14:00:00Z'));
  });

  it('skips from Thursday evening to Monday morning', () => {
    expect(nextAllowedAt(mfa, at('2026-12-03T15:00:00Z'), 7 * DAY)).toEqual(at('2026-12-07T08:00:00Z'));
  });

  it('returns undefined when nothing is allowed within the limit', () => {
    expect(nextAllowedAt(mfa, at('2026-12-03T15:00:00Z'), DAY)).toBeUndefined();
    const never: RolloutWindows = { deny: ['* * * * *'], timezone: 'UTC' };
    expect(nextAllowedAt(never, at('2026-12-03T15:00:00Z'), 2 * HOUR)).toBeUndefined();
  });

  it('finds the minute-level deny gaps', () => {
    const w: RolloutWindows = { deny: ['0-29 * * * *'], timezone: 'UTC' };
    expect(nextAllowedAt(w, at('2026-06-01T10:05:00Z'), HOUR)).toEqual(at('2026-06-01T10:30:00Z'));
  });

  it('agrees with a minute-by-minute scan', () => {
    const configs: RolloutWindows[] = [
      mfa,
      { allow: '*/20 8,17 * * *', deny: ['* * * * 0,6'], timezone: 'America/New_York' },
      { allow: '* 1-3 * * *', deny: ['0-14 2 * * *'], timezone: 'Europe/Berlin' },
    ];
    const start = at('2026-03-25T00:00:00Z').getTime();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 24 * 60 }), fc.constantFrom(...configs), (offset, w) => {
        const from = new Date(start + offset * 60_000 + 17_000);
        let expected: Date | undefined;
        for (let m = 0; m <= 3 * 24 * 60 && !expected; m++) {
          const candidate = m === 0 ? from : new Date((Math.floor(from.getTime() / 60_000) + m) * 60_000);
          if (windowAllows(w, candidate)) expected = candidate;
        }
        expect(nextAllowedAt(w, from, 3 * DAY)).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });
});
