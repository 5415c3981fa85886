import { sprtExpectedSampleSize } from '../analysis/sprt.js';
import type { Scenario } from './parse-scenario.js';
import type { Fault } from './scenario-schema.js';

/** Power the floor is computed at: the spec has no power field; rampart's power plan uses 80 %. */
export const FLOOR_POWER = 0.8;

/**
 * The relative margin a user-level guardrail allows (treatment's bad-user rate at most rho x
 * control's) when the spec names none for the fault's measure: the flagship's logout-loop margin.
 */
const DEFAULT_RHO = 1.5;

const round = (x: number) => Math.round(x * 100) / 100;

/**
 * Wald's expected sample number, in distinct users of the faulted arm, for the first user-facing
 * fault at the rollout's alpha and 80 % power: the information floor no detector beats on average.
 * It is computed on what the guardrail that should catch the fault measures, at the user level of
 * the metrics contract (a user with a bad outcome is one event, however often they retry):
 * - login faults in one arm (loginSuccess, loginSuccessDrop, serverErrors): the share of users
 *   whose visit has a failed or 5xx login, H0 at the edge the spec still accepts (control's share
 *   plus the compare guardrail's maxDrop, else rho x control's share), H1 the faulted share;
 * - a fault that hits everyone: the global threshold's `min` against the faulted success, per login;
 * - enrollmentMismatch: one mis-bound enrollment settles it, so the users until the first one;
 * - logoutLoop: the share of users who log out again within their visit (logout_users_total
 *   repeat="again"), H0 at maxRatio x the healthy share, H1 the share under the loop — the observed
 *   change of the guardrail's own ratio, not the factor.
 * Undefined (null in results) for faults no detector can see in logins (metric/backend outages).
 */
export function sprtBoundSamples(scenario: Scenario): number | null {
  const fault = scenario.faults
    .filter((f) => !['metricsOutage', 'backendOutage'].includes(f.effect))
    .sort((a, b) => a.at - b.at)[0];
  if (!fault) return null;
  const { spec } = scenario;
  const alpha = spec.alpha;
  const bernoulli = (good0: number, good1: number) =>
    good0 > 0 && good0 < 1 && good1 < good0
      ? round(sprtExpectedSampleSize({ p0: good0, p1: good1, alpha, power: FLOOR_POWER }).underH1)
      : null;
  const bad = badShares(scenario, fault);
  if (bad && fault.arm === 'all') {
    const mins = spec.guardrails.flatMap((g) =>
      g.kind === 'threshold' && g.threshold.ratio && g.threshold.min !== undefined ? [g.threshold.min] : [],
    );
    return mins.length > 0 ? bernoulli(Math.max(...mins), 1 - bad.faulted) : null;
  }
  if (bad) {
    const drops = spec.guardrails.flatMap((g) => (g.kind === 'compare' ? [g.compare.maxDrop] : []));
    const edge = drops.length > 0 ? bad.healthy + Math.min(...drops) : bad.healthy * DEFAULT_RHO;
    return bernoulli(1 - edge, 1 - bad.faulted);
  }
  if (fault.effect === 'enrollmentMismatch') {
    const b = scenario.baseline;
    const perUser = b.loginSuccess * b.mfaSuccess * b.enrollmentsPerLogin * fault.enrollmentMismatch;
    return perUser > 0 ? round(1 / perUser) : null;
  }
  if (fault.effect === 'logoutLoop') {
    const lambda = scenario.baseline.logoutsPerLogin;
    if (lambda <= 0) return null;
    const rate = spec.guardrails.find((g) => g.kind === 'rate');
    const rho = rate?.kind === 'rate' ? rate.rate.maxRatio : DEFAULT_RHO;
    // A visit's logouts are Poisson: "again" is two or more of them in one visit.
    const twoOrMore = (m: number) => 1 - Math.exp(-m) * (1 + m);
    return bernoulli(1 - rho * twoOrMore(lambda), 1 - twoOrMore(lambda * fault.logoutLoop.factor));
  }
  return null;
}

/**
 * The share of users (by population share, segments included) whose visit has a failed or 5xx
 * login, healthy and under the fault; undefined for faults that do not act on the login itself.
 */
function badShares(scenario: Scenario, f: Fault): { healthy: number; faulted: number } | undefined {
  const faultedSuccess = (p: number): number | undefined => {
    switch (f.effect) {
      case 'loginSuccess':
        return f.loginSuccess;
      case 'loginSuccessDrop':
        return Math.max(0, p - f.loginSuccessDrop);
      case 'serverErrors':
        return p * (1 - f.serverErrors);
      default:
        return undefined;
    }
  };
  if (faultedSuccess(1) === undefined) return undefined;
  const { baseline, traffic } = scenario;
  const groups = traffic.segments.map((s) => ({
    name: s.name as string | undefined,
    share: s.share,
    inScope: s.inScope,
    p: s.loginSuccess ?? baseline.loginSuccess,
  }));
  const rest = 1 - groups.reduce((sum, g) => sum + g.share, 0);
  groups.push({ name: undefined, share: rest, inScope: true, p: baseline.loginSuccess });
  // An arm of the rollout holds in-scope users only; outOfScope the others; `all` everyone.
  const inArm = (g: { inScope: boolean }) =>
    f.arm === 'all' || (f.arm === 'outOfScope' ? !g.inScope : g.inScope);
  let total = 0;
  let healthy = 0;
  let faulted = 0;
  for (const g of groups.filter(inArm)) {
    const touched = f.segment === undefined || f.segment === g.name;
    total += g.share;
    healthy += g.share * (1 - g.p);
    faulted += g.share * (1 - (touched ? (faultedSuccess(g.p) ?? g.p) : g.p));
  }
  return total > 0 ? { healthy: healthy / total, faulted: faulted / total } : undefined;
}
