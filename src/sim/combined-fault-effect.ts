import type { Fault } from './scenario-schema.js';

/** The effects users feel (the outages hit rampart, not the logins). */
export const USER_FACING = new Set<Fault['effect']>([
  'loginSuccess',
  'loginSuccessDrop',
  'logoutLoop',
  'enrollmentMismatch',
  'serverErrors',
]);

/** The fault is on at simulated time `t` (`until` is exclusive). */
export function isActive(f: Fault, t: number): boolean {
  return f.at <= t && (f.until === undefined || t < f.until);
}

/** What the user-facing faults active on one login do to it together. */
export interface CombinedFaultEffect {
  /** Probability of a 5xx (independent faults combine as 1 - prod(1 - p)). */
  serverErrors: number;
  /** Factor on logouts per login (a logout loop). */
  loop: number;
  /** Probability that an enrollment is bound to another user. */
  mismatch: number;
  /** Login success probability the faults impose, undefined when none sets it. */
  pEff: number | undefined;
}

/** Combines `faults` in their order; `pHealthy` is the arm's success probability without them. */
export function combinedFaultEffect(faults: readonly Fault[], pHealthy: number): CombinedFaultEffect {
  let serverErrors = 0;
  let loop = 1;
  let mismatch = 0;
  let pEff: number | undefined;
  for (const f of faults) {
    if (f.effect === 'serverErrors') serverErrors = 1 - (1 - serverErrors) * (1 - f.serverErrors);
    else if (f.effect === 'logoutLoop') loop *= f.logoutLoop.factor;
    else if (f.effect === 'enrollmentMismatch') mismatch = Math.max(mismatch, f.enrollmentMismatch);
    else if (f.effect === 'loginSuccess') pEff = f.loginSuccess;
    else if (f.effect === 'loginSuccessDrop') pEff = Math.max(0, (pEff ?? pHealthy) - f.loginSuccessDrop);
  }
  return { serverErrors, loop, mismatch, pEff };
}
