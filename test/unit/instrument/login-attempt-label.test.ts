import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FlagMetrics } from '../../../src/instrument/flag-metrics.js';
import { RecentFailures } from '../../../src/instrument/recent-failures.js';
import { ManualClock } from '../../../src/time/manual-clock.js';
import { readCounter } from './read-counter.js';

const WINDOW = 60_000;

function setup(maxUsersPerEpoch?: number) {
  const registry = new Registry();
  const clock = new ManualClock();
  const metrics = new FlagMetrics({ registry, clock, visitWindowMs: WINDOW, maxUsersPerEpoch });
  const read = (m: Record<string, string>) => readCounter(registry, 'login_attempts_total', m);
  return { clock, metrics, read };
}

describe('the attempt label of login_attempts_total', () => {
  it('starts both attempt values at zero for every arm and result', async () => {
    const { read } = setup();
    for (const variant of ['treatment', 'control'])
      for (const result of ['success', 'failure', 'error'])
        for (const attempt of ['first', 'retry']) expect(await read({ variant, result, attempt })).toBe(0);
  });

  it('a locked account failing 20 times is one first attempt and 19 retries', async () => {
    const { clock, metrics, read } = setup();
    for (let i = 0; i < 20; i++) {
      metrics.login('locked', 'control', 'failure');
      clock.advance(5_000);
    }
    expect(await read({ attempt: 'first', result: 'failure' })).toBe(1);
    expect(await read({ attempt: 'retry', result: 'failure' })).toBe(19);
  });

  it('a success after a failure or an error is a retry; the attempt after a success is first', async () => {
    const { clock, metrics, read } = setup();
    metrics.login('alice', 'treatment', 'error');
    clock.advance(1_000);
    metrics.login('alice', 'treatment', 'success');
    clock.advance(1_000);
    metrics.login('alice', 'treatment', 'success');
    expect(await read({ attempt: 'first', result: 'error' })).toBe(1);
    expect(await read({ attempt: 'retry', result: 'success' })).toBe(1);
    expect(await read({ attempt: 'first', result: 'success' })).toBe(1);
  });

  it('a failure older than the visit window starts a new visit', async () => {
    const { clock, metrics, read } = setup();
    metrics.login('bob', 'control', 'failure');
    clock.advance(WINDOW);
    metrics.login('bob', 'control', 'failure');
    clock.advance(WINDOW + 1);
    metrics.login('bob', 'control', 'success');
    expect(await read({ attempt: 'retry' })).toBe(1);
    expect(await read({ attempt: 'first' })).toBe(2);
  });

  it('is per user, and an attempt without a user id is always first', async () => {
    const { metrics, read } = setup();
    metrics.login('carol', 'control', 'failure');
    metrics.login('dave', 'control', 'success');
    metrics.login(undefined, 'control', 'failure');
    metrics.login(undefined, 'control', 'failure');
    metrics.loginAttempt('control', 'failure');
    expect(await read({ attempt: 'first' })).toBe(5);
    metrics.loginAttempt('control', 'success', 'carol');
    expect(await read({ attempt: 'retry', result: 'success' })).toBe(1);
  });

  it('survives a new epoch: a retry across a configuration change is the same visit', async () => {
    const { metrics, read } = setup();
    metrics.login('erin', 'control', 'failure');
    metrics.newEpoch();
    metrics.login('erin', 'treatment', 'success');
    expect(await read({ variant: 'treatment', attempt: 'retry' })).toBe(1);
  });
});

describe('RecentFailures', () => {
  it('remembers at most maxUsers failures, forgetting the oldest first', () => {
    const f = new RecentFailures(2, WINDOW);
    f.attempt('a', true, 0);
    f.attempt('b', true, 1);
    f.attempt('a', true, 2); // a is now the newest
    f.attempt('c', true, 3); // evicts b
    expect(f.size).toBe(2);
    expect(f.attempt('b', false, 4)).toBe('first');
    expect(f.attempt('a', false, 5)).toBe('retry');
    expect(f.attempt('c', false, 6)).toBe('retry');
    // Successes forget the user.
    expect(f.size).toBe(0);
  });

  it('stays bounded under many failing users', () => {
    const f = new RecentFailures(100, WINDOW);
    for (let i = 0; i < 10_000; i++) f.attempt(`user-${i}`, true, i);
    expect(f.size).toBe(100);
    expect(f.attempt('user-9999', false, 10_000)).toBe('retry');
    expect(f.attempt('user-0', false, 10_000)).toBe('first');
  });
});
