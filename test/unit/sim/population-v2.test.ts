import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../../src/sim/parse-scenario.js';
import type { Fault, Segment } from '../../../src/sim/scenario-schema.js';
import { SimMetricSource } from '../../../src/sim/sim-metric-source.js';
import { TrafficModel } from '../../../src/sim/traffic-model.js';
import { ManualClock } from '../../../src/time/manual-clock.js';
import { loadFixture } from './sim-helpers.js';

const MIN = 60_000;
// The flagship spec: scoped to accountType IN [staff].
const flagship = await loadFixture('bench/scenarios/aa-steady.yaml');

function segment(s: Partial<Segment> & Pick<Segment, 'name' | 'share'>): Segment {
  return { activity: 1, inScope: true, ...s };
}

type Edit = {
  segments?: Segment[];
  faults?: Fault[];
  zipf?: number;
  baseline?: Partial<Scenario['baseline']>;
  unscoped?: boolean;
};

/** 40 minutes of flagship traffic on 5,000 users at a fixed percentage (or a function of time). */
function traffic(edit: Edit = {}, percentage: number | ((t: number) => number) = 50, minutes = 40) {
  const scenario: Scenario = {
    ...flagship,
    spec: edit.unscoped
      ? { ...flagship.spec, flag: { ...flagship.spec.flag, constraints: [] } }
      : flagship.spec,
    traffic: {
      ...flagship.traffic,
      users: 5000,
      segments: edit.segments ?? [],
      ...(edit.zipf === undefined ? {} : { activity: { zipf: edit.zipf } }),
    },
    baseline: { ...flagship.baseline, ...edit.baseline },
    faults: edit.faults ?? [],
  };
  const start = Date.parse(scenario.startAt);
  const clock = new ManualClock(start);
  const metrics = new SimMetricSource(start, scenario.scrapeInterval, clock, () => false);
  const pct = typeof percentage === 'number' ? () => percentage : percentage;
  const model = new TrafficModel(scenario, 5, metrics, pct);
  model.runUntil(minutes * MIN);
  const total = (metric: string, labels: Record<string, string> = {}) => metrics.total(metric, labels);
  return { model, metrics, total };
}

const METRICS = [
  'login_attempts_total',
  'mfa_challenges_total',
  'logouts_total',
  'flag_exposures_total',
  'flag_exposed_users_total',
  'login_users_total',
  'mfa_users_total',
  'logout_users_total',
  'http_requests_total',
  'mfa_enrollments_total',
];
const VARIANTS = ['treatment', 'control', 'out_of_scope'];
const RESULTS: Record<string, string>[] = [
  {},
  { result: 'success' },
  { result: 'failure' },
  { result: 'error' },
  { repeat: 'again' },
];

function totals(run: ReturnType<typeof traffic>, variants = VARIANTS): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of METRICS)
    for (const variant of variants)
      for (const extra of RESULTS)
        out[`${m}${JSON.stringify({ variant, ...extra })}`] = run.total(m, { variant, ...extra });
  return out;
}

const healthy = traffic();
const healthyTotals = totals(healthy);

describe('segments', () => {
  it('a segment without overrides changes nothing (membership has its own seeded stream)', () => {
    expect(totals(traffic({ segments: [segment({ name: 'plain', share: 0.3 })] }))).toEqual(healthyTotals);
  });

  it('locked users fail in both arms alike; each counts once in login_users_total per epoch', () => {
    const run = traffic({
      segments: [segment({ name: 'locked', share: 0.02, loginSuccess: 0, retryOnFailure: 0.95 })],
    });
    const failedUsers = (v: string) => run.total('login_users_total', { variant: v, result: 'failure' });
    const exposed = (v: string) => run.total('flag_exposed_users_total', { variant: v });
    const t = failedUsers('treatment') / exposed('treatment');
    const c = failedUsers('control') / exposed('control');
    // Both arms hold the segment's share in expectation: their failing-user shares agree.
    expect(Math.abs(t - c)).toBeLessThan(0.015);
    // A locked user retries ~20 times: many attempts per failing user.
    const attempts = run.total('login_attempts_total', { result: 'failure' });
    expect(attempts / (failedUsers('treatment') + failedUsers('control'))).toBeGreaterThan(5);
  });

  it('a treatment fault on one segment leaves control bit-identical and harms only that segment', () => {
    const segments = [segment({ name: 'sso', share: 0.2 })];
    const plain = traffic({ segments });
    const fault: Fault = {
      effect: 'loginSuccess',
      at: 10 * MIN,
      arm: 'treatment',
      segment: 'sso',
      loginSuccess: 0,
    };
    const hit = traffic({ segments, faults: [fault] });
    expect(totals(hit, ['control'])).toEqual(totals(plain, ['control']));
    expect(hit.total('login_attempts_total', { variant: 'treatment', result: 'failure' })).toBeGreaterThan(
      plain.total('login_attempts_total', { variant: 'treatment', result: 'failure' }) + 50,
    );
    const members = new Set(
      [...hit.model.harm.exposed].filter((u) => hit.model.population.segment(u)?.name === 'sso'),
    );
    expect(hit.model.harm.exposed.size).toBeGreaterThan(0);
    expect(members.size).toBe(hit.model.harm.exposed.size);
  });
});

describe('scope', () => {
  const customers = segment({
    name: 'customers',
    share: 0.6,
    inScope: false,
    context: { accountType: 'customer' },
  });

  it('out-of-scope users are labelled out_of_scope, never control, and never get the flag', () => {
    const run = traffic({ segments: [{ ...customers, loginSuccess: 0 }] });
    expect(run.model.scopeLeaks).toBe(0);
    const exposed = (v: string) => run.total('flag_exposed_users_total', { variant: v });
    const share =
      exposed('out_of_scope') / (exposed('out_of_scope') + exposed('control') + exposed('treatment'));
    expect(share).toBeGreaterThan(0.55);
    expect(share).toBeLessThan(0.65);
    // The customers always fail; none of their failures land in either arm of the rollout.
    expect(run.total('login_attempts_total', { variant: 'control', result: 'failure' })).toBeLessThan(
      0.03 * run.total('login_attempts_total', { variant: 'control' }),
    );
    expect(run.total('login_users_total', { variant: 'out_of_scope', result: 'failure' })).toBeGreaterThan(
      100,
    );
  });

  it('scopeLeaks is 0 with the flagship scope and > 0 without it', () => {
    expect(traffic({ segments: [customers] }).model.scopeLeaks).toBe(0);
    const leaky = traffic({ segments: [customers], unscoped: true });
    expect(leaky.model.scopeLeaks).toBeGreaterThan(100);
    expect(leaky.total('flag_exposed_users_total', { variant: 'out_of_scope' })).toBe(0);
  });

  it('arm outOfScope touches out-of-scope users only', () => {
    const plain = traffic({ segments: [customers] });
    const fault: Fault = { effect: 'serverErrors', at: 0, arm: 'outOfScope', serverErrors: 1 };
    const hit = traffic({ segments: [customers], faults: [fault] });
    expect(totals(hit, ['treatment', 'control'])).toEqual(totals(plain, ['treatment', 'control']));
    expect(hit.total('login_users_total', { variant: 'out_of_scope', result: 'error' })).toBeGreaterThan(100);
  });
});

describe('heavy users, novelty friction, drift', () => {
  it('zipf activity concentrates logins on few users, same arrivals, arms still balanced', () => {
    const heavy = traffic({ zipf: 1.1 });
    const sessions = (r: ReturnType<typeof traffic>) => r.total('flag_exposures_total');
    expect(sessions(heavy)).toBe(sessions(healthy));
    const users = (r: ReturnType<typeof traffic>) => r.total('flag_exposed_users_total');
    expect(users(heavy)).toBeLessThan(0.6 * users(healthy));
    const share = heavy.total('flag_exposed_users_total', { variant: 'treatment' }) / users(heavy);
    expect(Math.abs(share - 0.5)).toBeLessThan(0.06);
  });

  it('mfaFirstChallengeSuccess: only a user first challenge after the flag turned on is harder', () => {
    const same = traffic({ baseline: { mfaFirstChallengeSuccess: flagship.baseline.mfaSuccess } });
    expect(totals(same)).toEqual(healthyTotals);
    const novel = traffic({ baseline: { mfaFirstChallengeSuccess: 0 } });
    expect(totals(novel, ['control'])).toEqual(totals(healthy, ['control']));
    // Every treatment user's first challenge fails, later ones pass at mfaSuccess.
    const failedUsers = novel.total('mfa_users_total', { variant: 'treatment', result: 'failure' });
    const challenged = novel.total('mfa_users_total', { variant: 'treatment' });
    expect(failedUsers).toBeGreaterThan(
      0.9 * novel.total('flag_exposed_users_total', { variant: 'treatment' }),
    );
    expect(challenged).toBeGreaterThan(failedUsers);
    // The password step is untouched.
    expect(novel.total('login_attempts_total', { variant: 'treatment', result: 'failure' })).toBeLessThan(
      0.03 * novel.total('login_attempts_total', { variant: 'treatment' }),
    );
  });

  it('schedule drifts everyone from `at` on and nothing before', async () => {
    const drift = traffic({ baseline: { schedule: [{ at: 20 * MIN, loginSuccess: 0.8 }] } });
    const early = (r: ReturnType<typeof traffic>) =>
      r.metrics.counts(
        { metric: 'login_attempts_total', matchers: { result: 'failure' }, variant: flagship.spec.variant },
        new Date(Date.parse(flagship.startAt)),
        new Date(Date.parse(flagship.startAt) + 19 * MIN),
      );
    expect(await early(drift)).toEqual(await early(healthy));
    for (const v of ['treatment', 'control']) {
      const failures = (r: ReturnType<typeof traffic>) =>
        r.total('login_attempts_total', { variant: v, result: 'failure' });
      expect(failures(drift)).toBeGreaterThan(3 * failures(healthy));
    }
  });
});

describe('distinct-user series', () => {
  it('a locked user retrying many times counts once per epoch', () => {
    const locked = traffic(
      { segments: [segment({ name: 'locked', share: 1, loginSuccess: 0, retryOnFailure: 1 })] },
      (t) => (t < 20 * MIN ? 0 : 100),
    );
    const attempts = locked.total('login_attempts_total', { result: 'failure' });
    const perEpoch = (v: string) => locked.total('login_users_total', { variant: v, result: 'failure' });
    expect(attempts).toBeGreaterThan(20 * (perEpoch('control') + perEpoch('treatment')));
    // Two epochs (0 % then 100 %): each user at most once in each.
    expect(perEpoch('control')).toBe(locked.total('flag_exposed_users_total', { variant: 'control' }));
    expect(perEpoch('treatment')).toBe(locked.total('flag_exposed_users_total', { variant: 'treatment' }));
    expect(perEpoch('control')).toBeLessThanOrEqual(5000);
  });

  it('a logout loop shows as users logging out again; the exposed-user denominator does not grow', () => {
    const fault: Fault = { effect: 'logoutLoop', at: 0, arm: 'treatment', logoutLoop: { factor: 2 } };
    const loop = traffic({ faults: [fault] });
    const again = (r: ReturnType<typeof traffic>) =>
      r.total('logout_users_total', { variant: 'treatment', repeat: 'again' });
    expect(again(loop)).toBeGreaterThan(2 * again(healthy));
    expect(loop.total('flag_exposed_users_total')).toBe(healthy.total('flag_exposed_users_total'));
    expect(totals(loop, ['control'])).toEqual(totals(healthy, ['control']));
  });
});

describe('the attempt label', () => {
  it('a locked account retrying is one failed first attempt per visit; the rest are retries', () => {
    const run = traffic({
      segments: [segment({ name: 'locked', share: 0.01, loginSuccess: 0, retryOnFailure: 0.95 })],
    });
    const n = (labels: Record<string, string>) => run.total('login_attempts_total', labels);
    expect(n({ attempt: 'first' }) + n({ attempt: 'retry' })).toBe(n({}));
    // Every retry follows a failed or errored attempt, so none can outnumber them.
    expect(n({ attempt: 'retry' })).toBeLessThanOrEqual(n({ result: 'failure' }) + n({ result: 'error' }));
    expect(n({ attempt: 'retry' })).toBeGreaterThan(0);
    const share = (labels: Record<string, string>) => n({ ...labels, result: 'success' }) / n(labels);
    // Retries of locked accounts drag the per-attempt share down; first attempts stay near baseline.
    expect(share({ attempt: 'first' })).toBeGreaterThan(0.96);
    expect(share({ attempt: 'first' }) - share({})).toBeGreaterThan(0.01);
  });

  it('an outage fails every first attempt, and no retry ever succeeds', () => {
    const purge: Fault = { effect: 'loginSuccess', at: 0, arm: 'all', loginSuccess: 0 };
    const run = traffic({ faults: [purge] }, 50, 10);
    const n = (labels: Record<string, string>) => run.total('login_attempts_total', labels);
    expect(n({ attempt: 'first' })).toBeGreaterThan(100);
    expect(n({ attempt: 'first', result: 'success' })).toBe(0);
    expect(n({ attempt: 'retry', result: 'success' })).toBe(0);
    expect(n({ attempt: 'retry' })).toBeGreaterThan(0);
  });
});
