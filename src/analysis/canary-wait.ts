/**
 * A gated canary step cannot prove the rate safe, so it waits until it has seen enough people that a
 * fault beyond the margin which starts there has a fair chance to be caught there, before the next
 * step exposes five times as many. It waits until the first of:
 * - the treatment users at which a harm of DETECT_FACTOR x the margin reaches the suspected-harm
 *   hold with 90 % probability (treatmentUsersToDetect);
 * - CANARY_COVERAGE of the declared population seen in the step;
 * - new users have slowed down: fewer than ARRIVALS_SETTLED of the users seen came in the latest
 *   half of the step's time (a declared population includes people who rarely log in; for users
 *   who each log in at a steady rate this is ~94 % of them seen);
 * - the spec's `canaryMaxWait` (heavy-tailed activity never settles).
 * The first three end the wait only while the step's data lean away from harm (its harm e-values at
 * most 1: the margin explains them at least as well as harm does). Leaning toward harm, the step
 * waits out `canaryMaxWait`, so evidence that has not yet reached the suspected-harm hold keeps
 * growing in the small step instead of moving on to one five times as large; a healthy step's
 * e-values drift down, so it rarely pays that wait.
 */
export const CANARY_COVERAGE = 0.95;
const ARRIVALS_SETTLED = 0.2;

/** Distinct users a canary step needs to have seen to stop waiting by coverage alone. */
export function canaryCoverage(population: number | undefined): number {
  return population === undefined ? 0 : Math.ceil(CANARY_COVERAGE * population);
}

/** What a canary step has seen so far. */
export interface CanaryProgress {
  population: number | undefined;
  /** Distinct exposed users in the step, both arms, and of them in treatment. */
  seen: number;
  seenT: number;
  /** Users seen by half the step's age (0 when unknown). */
  seenByHalf: number;
  /** Time since the step started; undefined: unknown (coverage and power only). */
  elapsedMs: number | undefined;
  /** Treatment users for the power condition (treatmentUsersToDetect). */
  toDetect: number;
  maxWaitMs: number | undefined;
  /** The step's harm e-values exceed 1: only `maxWaitMs` ends the wait. */
  leansToHarm: boolean;
}

/** Why a gated canary step still waits for users, or undefined when it has seen enough. */
export function canaryWaiting(p: CanaryProgress): string | undefined {
  const needed = canaryCoverage(p.population);
  if (p.population === undefined) return undefined;
  if (p.elapsedMs !== undefined && p.maxWaitMs !== undefined && p.elapsedMs >= p.maxWaitMs) return undefined;
  const late = p.seen - p.seenByHalf;
  const seenEnough =
    p.seen >= needed ||
    p.seenT >= p.toDetect ||
    (p.elapsedMs !== undefined && p.seen > 0 && late < ARRIVALS_SETTLED * p.seen);
  const latest = p.elapsedMs === undefined ? '' : `, ${late} of them in the latest half of the step`;
  const counts = `${p.seenT}/${p.seen} seen${latest}`;
  if (seenEnough) {
    if (!p.leansToHarm || p.maxWaitMs === undefined || p.elapsedMs === undefined) return undefined;
    return `canary step: the data lean toward harm (harm e-value above 1), waits for canaryMaxWait: ${counts}`;
  }
  const detect = Number.isFinite(p.toDetect) ? `${p.toDetect} treatment users, ` : '';
  return (
    `canary step: waits for ${detect}${needed} users seen (${CANARY_COVERAGE * 100} % of population ${p.population}) ` +
    `or new users to slow down: ${counts}`
  );
}
