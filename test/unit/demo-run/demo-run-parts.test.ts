import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../../src/analysis/verdict.js';
import { compressSpec, DEFAULT_DEMO_SCHEDULE, loadSpecFile } from '../../../src/demo/demo-spec.js';
import { parseFaultAt } from '../../../src/demo/fault-at.js';
import { FaultExposure } from '../../../src/demo/fault-exposure.js';
import { VerdictChanges } from '../../../src/demo/live-view.js';
import { MfaEnrollments } from '../../../src/demo/login-service/mfa-enrollments.js';
import type { Clock } from '../../../src/time/clock.js';

const STEPS = [1, 5, 25, 50, 100];

describe('the demo schedule', () => {
  it('compresses the flagship spec: same steps, guardrails and approvals; shorter times; no windows', async () => {
    const flagship = await loadSpecFile();
    const demo = compressSpec(flagship, DEFAULT_DEMO_SCHEDULE);
    expect(flagship.windows).toBeDefined();
    expect(demo.windows).toBeUndefined();
    expect(demo.steps).toEqual(flagship.steps);
    expect(demo.approvals).toEqual(flagship.approvals);
    expect(demo.guardrails.map((g) => g.name)).toEqual(flagship.guardrails.map((g) => g.name));
    expect([demo.bake, demo.tick, demo.minSamples]).toEqual([20_000, 1_000, 5]);
    const threshold = demo.guardrails.find((g) => g.kind === 'threshold');
    expect(threshold?.kind === 'threshold' && threshold.threshold.window).toBe(30_000);
  });
});

describe('--fault-at', () => {
  it('takes a step percentage, with or without %, or a duration', () => {
    expect(parseFaultAt('25', STEPS)).toEqual({ ok: true, value: { kind: 'step', percentage: 25 } });
    expect(parseFaultAt('5%', STEPS)).toEqual({ ok: true, value: { kind: 'step', percentage: 5 } });
    expect(parseFaultAt('30s', STEPS)).toEqual({ ok: true, value: { kind: 'after', ms: 30_000 } });
  });

  it('names the steps for a percentage that is not one, and the forms for garbage', () => {
    const notAStep = parseFaultAt('30', STEPS);
    expect(notAStep.ok).toBe(false);
    if (!notAStep.ok) expect(notAStep.message).toContain('steps: 1, 5, 25, 50, 100');
    const garbage = parseFaultAt('soon', STEPS);
    expect(garbage.ok).toBe(false);
    if (!garbage.ok) expect(garbage.message).toMatch(/step percentage .* or a duration/);
  });
});

const verdict = (guardrail: string, status: Verdict['status']): Verdict => ({
  guardrail,
  kind: 'zero',
  status,
  onFail: 'rollback',
  reason: `${guardrail}: ${status}`,
  evidence: {},
});

describe('live view verdict lines', () => {
  it('prints only what changed since the last tick, nothing when nothing did', () => {
    const changes = new VerdictChanges();
    expect(changes.update([verdict('a', 'inconclusive'), verdict('b', 'pass')])).toBe(
      '  guardrails: a inconclusive · b pass',
    );
    expect(changes.update([verdict('a', 'inconclusive'), verdict('b', 'pass')])).toBeUndefined();
    expect(changes.update([verdict('a', 'pass'), verdict('b', 'fail')])).toBe(
      '  guardrails: a pass · b FAIL',
    );
  });
});

describe('users exposed', () => {
  const answer = (userId: string, route: string, status: number, at: number) => ({
    userId,
    route,
    status,
    at,
    variant: 'treatment',
  });
  const clock: Clock = { now: () => new Date(0) };

  it('counts distinct users with server errors on login routes inside the window', () => {
    const exposure = new FaultExposure();
    exposure.observe(answer('u1', '/login', 500, 10));
    exposure.observe(answer('u1', '/mfa/verify', 503, 11));
    exposure.observe(answer('u2', '/login', 500, 12));
    exposure.observe(answer('u3', '/login', 500, 99)); // after the rollback took effect
    exposure.observe(answer('u4', '/login', 401, 12)); // a wrong password is no fault
    exposure.observe(answer('u5', '/metrics', 500, 12));
    const service = { enrollments: new MfaEnrollments(clock), userIds: ['u1', 'u2', 'u3', 'u4', 'u5'] };
    expect(exposure.exposed('interceptor-crash', { from: 5, until: 50 }, service).users).toBe(2);
    expect(exposure.exposed('token-purge', { from: 11, until: 50 }, service).users).toBe(2);
  });

  it('counts users whose session was rejected for logout-loop', () => {
    const exposure = new FaultExposure();
    exposure.observe(answer('u1', '/session', 401, 10));
    exposure.observe(answer('u1', '/session', 401, 11));
    exposure.observe(answer('u2', '/session', 200, 12));
    const service = { enrollments: new MfaEnrollments(clock), userIds: ['u1', 'u2'] };
    expect(exposure.exposed('logout-loop', { from: 0, until: 50 }, service).users).toBe(1);
  });

  it('counts accounts bound to another account’s secret for enrollment-crossbind', () => {
    const enrollments = new MfaEnrollments(clock);
    enrollments.enroll('u1', false);
    enrollments.enroll('u2', true);
    enrollments.enroll('u3', true);
    const exposure = new FaultExposure();
    const result = exposure.exposed(
      'enrollment-crossbind',
      { from: 0, until: 1 },
      { enrollments, userIds: ['u1', 'u2', 'u3', 'u4'] },
    );
    expect(result.users).toBe(2);
    expect(enrollments.accountsSharingSecretWith('u1').sort()).toEqual(['u1', 'u2', 'u3']);
  });
});
