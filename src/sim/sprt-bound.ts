import { sprtExpectedSampleSize } from '../analysis/sprt.js';
import type { Scenario } from './parse-scenario.js';
import type { Fault } from './scenario-schema.js';

/** Power the floor is computed at: the spec has no power field; rampart's power plan uses 80 %. */
export const FLOOR_POWER = 0.8;

/**
 * Wald's expected sample number (logins in the faulted arm) for the first user-facing fault, at the
 * rollout's alpha and 80 % power: the information floor no detector beats on average.
 * - success faults (loginSuccess, loginSuccessDrop, serverErrors): Bernoulli SPRT of login success,
 *   H0 at the edge of what the spec allows (control - maxDrop for a treatment fault; the global
 *   threshold `min` for a fault that hits everyone), H1 the faulted success probability;
 * - enrollmentMismatch: one mis-bound enrollment settles it (the guardrail allows none), so the floor
 *   is the expected logins until the first one;
 * - logoutLoop: Poisson SPRT of logouts per login, H0 at maxRatio x baseline, H1 at factor x baseline.
 * Undefined (null in results) for faults no detector can see in logins (metric/backend outages).
 */
export function sprtBoundSamples(scenario: Scenario): number | null {
  const fault = scenario.faults
    .filter((f) => !['metricsOutage', 'backendOutage'].includes(f.effect))
    .sort((a, b) => a.at - b.at)[0];
  if (!fault) return null;
  const { spec, baseline } = scenario;
  const alpha = spec.alpha;
  const treatment = fault.arm === 'treatment';
  const pHealthy = baseline.loginSuccess * (treatment ? baseline.mfaSuccess : 1);
  const p1 = faultedSuccess(fault, pHealthy);
  const round = (x: number) => Math.round(x * 100) / 100;
  if (p1 !== undefined) {
    const p0 = nullSuccess(scenario, fault);
    if (p0 === undefined || !(p0 > 0 && p0 < 1) || p1 >= p0) return null;
    return round(sprtExpectedSampleSize({ p0, p1, alpha, power: FLOOR_POWER }).underH1);
  }
  if (fault.effect === 'enrollmentMismatch') {
    const perLogin = pHealthy * baseline.enrollmentsPerLogin * fault.enrollmentMismatch;
    return perLogin > 0 ? round(1 / perLogin) : null;
  }
  if (fault.effect === 'logoutLoop') {
    const rate = spec.guardrails.find((g) => g.kind === 'rate');
    if (rate?.kind !== 'rate' || baseline.logoutsPerLogin <= 0) return null;
    const l0 = baseline.logoutsPerLogin * rate.rate.maxRatio;
    const l1 = baseline.logoutsPerLogin * fault.logoutLoop.factor;
    if (l1 <= l0) return null;
    const kl = l1 * Math.log(l1 / l0) - l1 + l0;
    const beta = 1 - FLOOR_POWER;
    const upper = Math.log(FLOOR_POWER / alpha);
    const lower = Math.log(beta / (1 - alpha));
    return round((FLOOR_POWER * upper + beta * lower) / kl);
  }
  return null;
}

function faultedSuccess(f: Fault, pHealthy: number): number | undefined {
  switch (f.effect) {
    case 'loginSuccess':
      return f.loginSuccess;
    case 'loginSuccessDrop':
      return Math.max(0, pHealthy - f.loginSuccessDrop);
    case 'serverErrors':
      return pHealthy * (1 - f.serverErrors);
    default:
      return undefined;
  }
}

/** The least healthy success rate the spec still accepts for the fault's arm. */
function nullSuccess(scenario: Scenario, f: Fault): number | undefined {
  const { spec, baseline } = scenario;
  if (f.arm === 'all') {
    const mins = spec.guardrails.flatMap((g) =>
      g.kind === 'threshold' && g.threshold.ratio && g.threshold.min !== undefined ? [g.threshold.min] : [],
    );
    return mins.length > 0 ? Math.max(...mins) : undefined;
  }
  const drops = spec.guardrails.flatMap((g) => (g.kind === 'compare' ? [g.compare.maxDrop] : []));
  if (drops.length === 0) return undefined;
  const other = f.arm === 'treatment' ? baseline.loginSuccess : baseline.loginSuccess * baseline.mfaSuccess;
  return other - Math.min(...drops);
}
