import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../../src/sim/parse-scenario.js';
import type { Fault } from '../../../src/sim/scenario-schema.js';
import { SimFlagBackend } from '../../../src/sim/sim-flag-backend.js';
import { SimMetricSource } from '../../../src/sim/sim-metric-source.js';
import { TrafficModel } from '../../../src/sim/traffic-model.js';
import { ManualClock } from '../../../src/time/manual-clock.js';
import { loadFixture } from './sim-helpers.js';

const MIN = 60_000;
const base = await loadFixture('test/fixtures/scenarios/valid-inline-spec.yaml');

/** 40 minutes of traffic at a fixed 50 % with the given faults (from minute 10); every counter's total. */
function traffic(faults: Fault[]) {
  const scenario: Scenario = { ...base, faults };
  const start = Date.parse(scenario.startAt);
  const clock = new ManualClock(start);
  const outage = (t: number) => faults.some((f) => f.effect === 'metricsOutage' && f.at <= t);
  const metrics = new SimMetricSource(start, scenario.scrapeInterval, clock, outage);
  const model = new TrafficModel(scenario, 7, metrics, () => 50);
  model.runUntil(40 * MIN);
  clock.set(start + 40 * MIN);
  const totals: Record<string, number> = {};
  const names = [
    'login_attempts_total',
    'logouts_total',
    'mfa_challenges_total',
    'mfa_enrollments_total',
    'mfa_enrollment_owner_mismatch_total',
    'http_requests_total',
    'flag_exposures_total',
  ];
  for (const metric of names) {
    for (const variant of ['treatment', 'control']) {
      const extras: Record<string, string>[] = [
        {},
        { result: 'success' },
        { result: 'failure' },
        { result: 'error' },
        { code: '500' },
      ];
      for (const extra of extras) {
        totals[`${metric}${JSON.stringify({ variant, ...extra })}`] = metrics.total(metric, {
          variant,
          ...extra,
        });
      }
    }
  }
  return { totals, model, metrics, start };
}

const healthy = traffic([]);

function changed(a: Record<string, number>, b: Record<string, number>): string[] {
  return Object.keys(a).filter((k) => a[k] !== b[k]);
}

const only = (keys: string[], variant: string) => keys.every((k) => k.includes(`"variant":"${variant}"`));
const t = (metric: string, extra: Record<string, string> = {}) =>
  `${metric}${JSON.stringify({ variant: 'treatment', ...extra })}`;

describe('fault effects change what they should and nothing else', () => {
  it('healthy traffic has the baseline shape (MFA a step of its own, in treatment only)', () => {
    const h = healthy.totals;
    const share = (metric: string, v: string) =>
      (h[`${metric}{"variant":"${v}","result":"success"}`] ?? 0) / (h[`${metric}{"variant":"${v}"}`] ?? 1);
    // login_attempts_total is the password step: MFA outcomes are not folded into it.
    expect(share('login_attempts_total', 'control')).toBeGreaterThan(0.97);
    expect(share('login_attempts_total', 'treatment')).toBeGreaterThan(0.97);
    expect(share('mfa_challenges_total', 'treatment')).toBeGreaterThan(0.95);
    expect(share('mfa_challenges_total', 'treatment')).toBeLessThan(0.99);
    expect(h['mfa_challenges_total{"variant":"control"}']).toBe(0);
    expect(h[t('mfa_enrollment_owner_mismatch_total')]).toBe(0);
    expect(healthy.model.harm.exposed.size).toBe(0);
  });

  it('serverErrors: treatment logins answered 5xx; control untouched', () => {
    const f = traffic([{ effect: 'serverErrors', at: 10 * MIN, arm: 'treatment', serverErrors: 1 }]);
    const diff = changed(healthy.totals, f.totals);
    expect(only(diff, 'treatment')).toBe(true);
    expect(f.totals[t('login_attempts_total', { result: 'error' })]).toBeGreaterThan(100);
    expect(f.totals[t('http_requests_total', { code: '500' })]).toBe(
      f.totals[t('login_attempts_total', { result: 'error' })],
    );
    expect(f.totals[t('flag_exposures_total')]).toBe(healthy.totals[t('flag_exposures_total')]);
    expect(f.model.harm.failedByFault).toBe(f.totals[t('login_attempts_total', { result: 'error' })]);
  });

  it('loginSuccess: success probability becomes P in the faulted arm', () => {
    const f = traffic([{ effect: 'loginSuccess', at: 0, arm: 'control', loginSuccess: 0 }]);
    const diff = changed(healthy.totals, f.totals);
    expect(only(diff, 'control')).toBe(true);
    expect(f.totals['login_attempts_total{"variant":"control","result":"success"}']).toBe(0);
  });

  it('loginSuccessDrop: success share drops by D; retries add failed attempts, nothing else moves', () => {
    const f = traffic([{ effect: 'loginSuccessDrop', at: 0, arm: 'treatment', loginSuccessDrop: 0.2 }]);
    expect(only(changed(healthy.totals, f.totals), 'treatment')).toBe(true);
    const share = (x: Record<string, number>) =>
      (x[t('login_attempts_total', { result: 'success' })] ?? 0) / (x[t('login_attempts_total')] ?? 1);
    // Per attempt the drop is a bit larger than 0.2: failed users retry, which adds attempts.
    expect(share(healthy.totals) - share(f.totals)).toBeGreaterThan(0.18);
    expect(share(healthy.totals) - share(f.totals)).toBeLessThan(0.3);
    expect(f.totals[t('login_attempts_total', { result: 'error' })]).toBe(0);
  });

  it('logoutLoop: logouts and re-logins per login x F; failures unchanged', () => {
    const f = traffic([{ effect: 'logoutLoop', at: 0, arm: 'treatment', logoutLoop: { factor: 20 } }]);
    const diff = changed(healthy.totals, f.totals);
    expect(only(diff, 'treatment')).toBe(true);
    expect(diff.sort()).toEqual(
      [
        t('logouts_total'),
        t('login_attempts_total'),
        t('login_attempts_total', { result: 'success' }),
        t('http_requests_total'),
      ].sort(),
    );
    const ratio = (f.totals[t('logouts_total')] ?? 0) / (healthy.totals[t('logouts_total')] ?? 1);
    expect(ratio).toBeGreaterThan(17);
    expect(ratio).toBeLessThan(23);
  });

  it('enrollmentMismatch: that share of treatment enrollments is bound to another account; nothing else', () => {
    const f = traffic([{ effect: 'enrollmentMismatch', at: 0, arm: 'treatment', enrollmentMismatch: 1 }]);
    expect(changed(healthy.totals, f.totals)).toEqual([t('mfa_enrollment_owner_mismatch_total')]);
    expect(f.totals[t('mfa_enrollment_owner_mismatch_total')]).toBe(f.totals[t('mfa_enrollments_total')]);
    expect(f.model.harm.exposed.size).toBeGreaterThan(0);
    expect(f.model.harm.failedByFault).toBe(0);
  });

  it('metricsOutage: traffic unchanged; the source answers NoData while it lasts', async () => {
    const f = traffic([{ effect: 'metricsOutage', at: 30 * MIN, arm: 'all', metricsOutage: true }]);
    expect(changed(healthy.totals, f.totals)).toEqual([]);
    const q = { metric: 'login_attempts_total', matchers: {}, variant: base.spec.variant };
    const answer = await f.metrics.counts(q, new Date(f.start), new Date(f.start + 40 * MIN));
    expect(answer.kind).toBe('no-data');
    expect(
      (await healthy.metrics.counts(q, new Date(healthy.start), new Date(healthy.start + 40 * MIN))).kind,
    ).toBe('counts');
  });

  it('counters become visible only at scrape times', async () => {
    const q = { metric: 'login_attempts_total', matchers: {}, variant: base.spec.variant };
    const at = (ms: number) =>
      healthy.metrics.counts(q, new Date(healthy.start), new Date(healthy.start + ms));
    const a = await at(15_000);
    const b = await at(29_999);
    const c = await at(30_000);
    if (a.kind !== 'counts' || b.kind !== 'counts' || c.kind !== 'counts') throw new Error('no data');
    expect(b.control).toBe(a.control);
    expect(c.control).toBeGreaterThan(a.control);
  });

  it('backendOutage: writes are rejected while it lasts, reads work, SDKs see writes after flagPropagation', async () => {
    const clock = new ManualClock(0);
    const backend = new SimFlagBackend(0, 5_000, clock, (ms) => ms >= 10_000 && ms < 20_000);
    const flag = base.spec.flag;
    await backend.setPercentage(flag, 10);
    expect(backend.sdkPercentage(4_999)).toBe(0);
    expect(backend.sdkPercentage(5_000)).toBe(10);
    clock.set(12_000);
    await expect(backend.disable(flag)).rejects.toThrow(/backend outage/);
    expect(await backend.read(flag)).toMatchObject({ exists: true, enabled: true, percentage: 10 });
    clock.set(20_000);
    await backend.disable(flag);
    expect(backend.sdkPercentage(24_999)).toBe(10);
    expect(backend.sdkPercentage(25_000)).toBe(0);
  });

  it('arm all hits both arms', () => {
    const f = traffic([{ effect: 'serverErrors', at: 0, arm: 'all', serverErrors: 0.5 }]);
    const diff = changed(healthy.totals, f.totals);
    expect(diff.some((k) => k.includes('"treatment"'))).toBe(true);
    expect(diff.some((k) => k.includes('"control"'))).toBe(true);
  });

  it('a fault with `until` stops acting after it', () => {
    const f = traffic([{ effect: 'loginSuccess', at: 0, until: 1, arm: 'all', loginSuccess: 0 }]);
    expect(f.model.harm.failedByFault).toBeLessThanOrEqual(1);
  });
});
