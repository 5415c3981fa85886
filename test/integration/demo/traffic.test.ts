import { describe, expect, it } from 'vitest';
import type { FaultName } from '../../../src/demo/login-service/fault-switches.js';
import { HttpLoginApi } from '../../../src/demo/traffic/http-login-api.js';
import { TrafficGenerator } from '../../../src/demo/traffic/traffic-generator.js';
import type { TrafficStats } from '../../../src/demo/traffic/traffic-stats.js';
import { createSystemTicker } from '../../../src/time/system-ticker.js';
import { type Sample, scrape, startService, total } from './demo-harness.js';

const USERS = 100;

/** Runs real traffic against a fresh service (odd users must pass MFA) for `ms`, then drains it. */
async function runTraffic(opts: {
  faults?: FaultName[];
  ms: number;
  rate: number;
  users?: number;
  seed?: number;
  maxConcurrent?: number;
}): Promise<{ stats: TrafficStats; metrics: Sample[]; svc: Awaited<ReturnType<typeof startService>> }> {
  const svc = await startService({ users: opts.users ?? USERS, faults: opts.faults });
  const gen = new TrafficGenerator({
    api: new HttpLoginApi({ baseUrl: svc.url }),
    ticker: createSystemTicker({ unref: false }),
    ratePerSecond: opts.rate,
    users: opts.users ?? USERS,
    seed: opts.seed ?? 11,
    maxConcurrent: opts.maxConcurrent,
    behaviour: { retryDelayMs: 50 },
  });
  try {
    gen.start();
    await new Promise((resolve) => setTimeout(resolve, opts.ms));
    await gen.stop({ graceMs: 10_000 });
    expect(gen.running).toBe(0);
    return { stats: gen.summary(), metrics: await scrape(svc.url), svc };
  } finally {
    await gen.stop();
    await svc.stop();
  }
}

const logins = (m: Sample[], variant: string, result: string) =>
  total(m, 'login_attempts_total', { variant, result });

describe('traffic generator against the real service', () => {
  it('logs virtual staff in at the configured rate, through MFA, and the service counts the same', async () => {
    const { stats, metrics } = await runTraffic({ ms: 3000, rate: 20 });
    // 60 arrivals expected in 3 s; a loaded CI machine may run timers late, so the bounds are wide.
    expect(stats.arrivals).toBeGreaterThan(25);
    expect(stats.arrivals).toBeLessThan(110);
    expect(stats.errors).toBe(0);
    expect(stats.enrollments).toBeGreaterThan(0);
    expect(stats.mfaVerified).toBeGreaterThan(0);
    expect(stats.loginsOk).toBeGreaterThan(stats.arrivals * 0.8);
    expect(logins(metrics, 'treatment', 'success') + logins(metrics, 'control', 'success')).toBe(
      stats.loginsOk,
    );
    expect(logins(metrics, 'treatment', 'failure') + logins(metrics, 'control', 'failure')).toBe(
      stats.loginsFailed,
    );
    expect(total(metrics, 'logouts_total')).toBe(stats.logouts);
    expect(total(metrics, 'mfa_enrollments_total')).toBe(stats.enrollments);
    expect(total(metrics, 'mfa_challenges_total', { result: 'success' })).toBe(stats.mfaVerified);
    expect(total(metrics, 'flag_exposures_total')).toBe(stats.loginsOk);
    expect(total(metrics, 'mfa_enrollment_owner_mismatch_total')).toBe(0);
  });
});

describe('each fault under traffic', () => {
  it('enrollment-crossbind: accounts end up sharing one TOTP secret and every later enrollment is flagged', async () => {
    const { stats, metrics, svc } = await runTraffic({
      faults: ['enrollment-crossbind'],
      ms: 2000,
      rate: 25,
    });
    expect(stats.enrollments).toBeGreaterThan(2);
    expect(total(metrics, 'mfa_enrollment_owner_mismatch_total', { variant: 'treatment' })).toBe(
      stats.enrollments - 1,
    );
    const enrolled = Array.from({ length: USERS }, (_, i) => `user-${i + 1}`).filter(
      (u) => svc.service.enrollments.bindingOf(u) !== undefined,
    );
    expect(svc.service.enrollments.accountsSharingSecretWith(enrolled[0] ?? '').sort()).toEqual(
      enrolled.sort(),
    );
    // Invisible in login success: the shared secret works for everyone.
    expect(stats.errors).toBe(0);
  });

  it('logout-loop: MFA users log out and in again over and over; control users do not', async () => {
    const { stats, metrics } = await runTraffic({ faults: ['logout-loop'], ms: 2000, rate: 25 });
    expect(stats.relogins).toBeGreaterThan(0);
    expect(stats.reloginCapsHit).toBeGreaterThan(0);
    const ratio = (variant: string) =>
      total(metrics, 'logouts_total', { variant }) / total(metrics, 'login_attempts_total', { variant });
    expect(ratio('treatment')).toBeGreaterThan(0.8);
    expect(ratio('control')).toBeLessThan(0.5);
  });

  it('logout-loop: one user logs in again and again until the client’s cap', async () => {
    const { stats, metrics } = await runTraffic({
      faults: ['logout-loop'],
      ms: 1200,
      rate: 5,
      users: 1,
      maxConcurrent: 1,
    });
    const visits = stats.arrivals - stats.dropped;
    expect(visits).toBeGreaterThanOrEqual(1);
    // maxRelogins defaults to 5: each visit of user-1 logs in 6 times and out 6 times.
    expect(
      logins(metrics, 'treatment', 'success') + logins(metrics, 'treatment', 'failure'),
    ).toBeGreaterThanOrEqual(6 * visits);
    expect(total(metrics, 'logouts_total', { variant: 'treatment' })).toBe(6 * visits);
    expect(stats.reloginCapsHit).toBe(visits);
  });

  it('interceptor-crash: MFA logins answer errors, password-only logins keep working', async () => {
    const { stats, metrics } = await runTraffic({ faults: ['interceptor-crash'], ms: 2000, rate: 25 });
    expect(stats.errors).toBeGreaterThan(0);
    expect(logins(metrics, 'treatment', 'success')).toBe(0);
    expect(logins(metrics, 'treatment', 'error')).toBeGreaterThan(0);
    expect(logins(metrics, 'control', 'success')).toBeGreaterThan(0);
    expect(logins(metrics, 'control', 'error')).toBe(0);
    expect(
      total(metrics, 'http_requests_total', { route: '/login', code: '500', variant: 'treatment' }),
    ).toBeGreaterThan(0);
  });

  it('token-purge: nobody can log in, flag or not', async () => {
    const { stats, metrics } = await runTraffic({ faults: ['token-purge'], ms: 2000, rate: 25 });
    expect(stats.loginsOk).toBe(0);
    expect(stats.retries).toBeGreaterThan(0);
    expect(logins(metrics, 'treatment', 'success') + logins(metrics, 'control', 'success')).toBe(0);
    expect(logins(metrics, 'treatment', 'error')).toBeGreaterThan(0);
    expect(logins(metrics, 'control', 'error')).toBeGreaterThan(0);
  });
});
