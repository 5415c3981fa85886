import fc from 'fast-check';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FlagMetrics, type Outcome } from '../../../src/instrument/flag-metrics.js';
import { InstrumentError } from '../../../src/instrument/instrument-error.js';
import { ManualClock } from '../../../src/time/manual-clock.js';
import { readCounter } from './read-counter.js';

function setup(options: { maxUsersPerEpoch?: number; variantLabel?: string } = {}) {
  const registry = new Registry();
  const clock = new ManualClock();
  const metrics = new FlagMetrics({ registry, clock, visitWindowMs: 60_000, ...options });
  return {
    registry,
    clock,
    metrics,
    read: (name: string, m?: Record<string, string>) => readCounter(registry, name, m),
  };
}

describe('FlagMetrics', () => {
  it('starts every contract series at zero for both arms', async () => {
    const { read } = setup();
    for (const variant of ['treatment', 'control']) {
      expect(await read('flag_exposed_users_total', { variant })).toBe(0);
      expect(await read('flag_exposures_total', { variant })).toBe(0);
      expect(await read('logouts_total', { variant })).toBe(0);
      for (const result of ['success', 'failure', 'error']) {
        expect(await read('login_attempts_total', { variant, result })).toBe(0);
        expect(await read('login_users_total', { variant, result })).toBe(0);
        expect(await read('mfa_challenges_total', { variant, result })).toBe(0);
      }
      for (const result of ['success', 'failure'])
        expect(await read('mfa_users_total', { variant, result })).toBe(0);
      for (const repeat of ['first', 'again'])
        expect(await read('logout_users_total', { variant, repeat })).toBe(0);
    }
    expect(await read('flag_exposed_users_total', { variant: 'out_of_scope' })).toBeUndefined();
  });

  it('counts a locked account failing 20 times as one failing user, and attempts per attempt', async () => {
    const { metrics, read } = setup();
    for (let i = 0; i < 20; i++) metrics.login('locked', 'treatment', 'failure');
    metrics.login('alice', 'treatment', 'failure');
    metrics.login('alice', 'treatment', 'success');
    expect(await read('login_attempts_total', { variant: 'treatment', result: 'failure' })).toBe(21);
    expect(await read('login_users_total', { variant: 'treatment', result: 'failure' })).toBe(2);
    expect(await read('login_users_total', { variant: 'treatment', result: 'success' })).toBe(1);
    expect(await read('login_users_total', { variant: 'control' })).toBe(0);
  });

  it('counts exposures per epoch: the same user again after the flag changed', async () => {
    const { metrics, read } = setup();
    metrics.exposed('alice', 'control');
    metrics.exposed('alice', 'control');
    metrics.exposed('bob', 'out_of_scope');
    expect(await read('flag_exposed_users_total', { variant: 'control' })).toBe(1);
    expect(await read('flag_exposed_users_total', { variant: 'out_of_scope' })).toBe(1);
    metrics.newEpoch();
    metrics.exposed('alice', 'treatment');
    metrics.exposed('alice', 'treatment');
    expect(await read('flag_exposed_users_total', { variant: 'treatment' })).toBe(1);
    expect(await read('rampart_instrument_epochs_total')).toBe(2);
  });

  it('tells a bounce (second logout within the visit window) from a logout on another visit', async () => {
    const { metrics, clock, read } = setup();
    metrics.logout('bouncer', 'treatment');
    clock.advance(5_000);
    metrics.logout('bouncer', 'treatment');
    metrics.logout('bouncer', 'treatment');
    metrics.logout('visitor', 'control');
    clock.advance(61_000);
    metrics.logout('visitor', 'control');
    expect(await read('logouts_total')).toBe(5);
    expect(await read('logout_users_total', { variant: 'treatment', repeat: 'first' })).toBe(1);
    expect(await read('logout_users_total', { variant: 'treatment', repeat: 'again' })).toBe(1);
    expect(await read('logout_users_total', { variant: 'control', repeat: 'first' })).toBe(1);
    expect(await read('logout_users_total', { variant: 'control', repeat: 'again' })).toBe(0);
    // The window runs from the latest logout: a third one soon after the second is a bounce.
    clock.advance(1_000);
    metrics.logout('visitor', 'control');
    expect(await read('logout_users_total', { variant: 'control', repeat: 'again' })).toBe(1);
  });

  it('leaves users past the cap out of the distinct-user series and says so', async () => {
    const { metrics, read, registry } = setup({ maxUsersPerEpoch: 2 });
    for (const user of ['a', 'b', 'c', 'd']) {
      metrics.exposed(user, 'control');
      metrics.login(user, 'control', 'failure');
    }
    metrics.login('a', 'control', 'success');
    expect(await read('flag_exposed_users_total', { variant: 'control' })).toBe(2);
    expect(await read('login_users_total', { variant: 'control', result: 'failure' })).toBe(2);
    expect(await read('login_users_total', { variant: 'control', result: 'success' })).toBe(1);
    expect(await read('login_attempts_total', { variant: 'control', result: 'failure' })).toBe(4);
    expect(await read('rampart_instrument_untracked_exposures_total')).toBe(2);
    expect(await read('rampart_instrument_tracked_users')).toBe(2);
    metrics.newEpoch();
    metrics.exposed('d', 'control');
    expect(await read('flag_exposed_users_total', { variant: 'control' })).toBe(3);
    expect(await registry.metrics()).not.toMatch(/"(a|b|c|d)"/);
  });

  it('never puts a user id in a label, and names the variant label as configured', async () => {
    const { metrics, registry, read } = setup({ variantLabel: 'arm' });
    metrics.exposed('alice@example.com', 'treatment');
    metrics.login('alice@example.com', 'treatment', 'success');
    metrics.httpRequest('treatment', '/login', 200);
    const text = await registry.metrics();
    expect(text).not.toContain('alice');
    expect(await read('login_users_total', { arm: 'treatment', result: 'success' })).toBe(1);
    expect(await read('http_requests_total', { arm: 'treatment', route: '/login', code: '200' })).toBe(1);
  });

  it('counts attempts but no distinct users for calls without a user id', async () => {
    const { metrics, read } = setup();
    metrics.exposed(undefined, 'control');
    metrics.mfa(undefined, 'treatment', 'error');
    metrics.logout(undefined, 'treatment');
    expect(await read('mfa_challenges_total', { variant: 'treatment', result: 'error' })).toBe(1);
    expect(await read('mfa_users_total', { variant: 'treatment' })).toBe(0);
    expect(await read('flag_exposed_users_total')).toBe(0);
    expect(await read('logout_users_total')).toBe(0);
  });

  it('refuses a second instrumented flag on one registry and a bad cap', () => {
    const registry = new Registry();
    new FlagMetrics({ registry });
    expect(() => new FlagMetrics({ registry })).toThrow(InstrumentError);
    expect(() => new FlagMetrics({ registry: new Registry(), maxUsersPerEpoch: 0 })).toThrow(
      /maxUsersPerEpoch/,
    );
  });

  it('matches a plain distinct count for any sequence of logins and epoch changes', async () => {
    const event = fc.oneof(
      fc.record({
        user: fc.integer({ min: 0, max: 6 }),
        result: fc.constantFrom<Outcome>('success', 'failure', 'error'),
      }),
      fc.constant('epoch' as const),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(event, { maxLength: 60 }), async (events) => {
        const { metrics, read } = setup();
        const seen = new Set<string>();
        let expected = 0;
        for (const e of events) {
          if (e === 'epoch') {
            metrics.newEpoch();
            seen.clear();
            continue;
          }
          metrics.login(`u${e.user}`, 'control', e.result);
          const key = `${e.user}/${e.result}`;
          if (!seen.has(key)) expected++;
          seen.add(key);
        }
        expect(await read('login_users_total', { variant: 'control' })).toBe(expected);
      }),
    );
  });
});
