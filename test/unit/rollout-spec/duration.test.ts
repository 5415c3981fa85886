import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/rollout-spec/duration.js';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

describe('parseDuration / formatDuration', () => {
  it('round-trips any non-negative safe millisecond count: parse(format(ms)) === ms', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
  });

  it('parses every integer with every unit to amount * unit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.constantFrom(...Object.keys(UNIT_MS)),
        (n, unit) => {
          expect(parseDuration(`${n}${unit}`)).toBe(n * UNIT_MS[unit as keyof typeof UNIT_MS]);
        },
      ),
    );
  });

  it('formats with the largest unit that divides exactly, so format(parse(text)) is canonical', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.constantFrom(...Object.keys(UNIT_MS)),
        (n, unit) => {
          const canonical = formatDuration(parseDuration(`${n}${unit}`) ?? -1);
          expect(parseDuration(canonical)).toBe(n * UNIT_MS[unit as keyof typeof UNIT_MS]);
          expect(formatDuration(parseDuration(canonical) ?? -1)).toBe(canonical);
        },
      ),
    );
    expect(formatDuration(90_000)).toBe('90s');
    expect(formatDuration(3_600_000)).toBe('1h');
    expect(formatDuration(1_500)).toBe('1500ms');
  });

  it('rejects anything but one integer and one unit', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        if (parseDuration(text) !== undefined) expect(text).toMatch(/^\d+(ms|s|m|h|d)$/);
      }),
    );
    for (const bad of ['', '15', '1.5s', '-1m', '15min', '1h30m', ' 1s', '1S', '1e3ms']) {
      expect(parseDuration(bad)).toBeUndefined();
    }
  });
});
