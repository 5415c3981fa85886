import { csHalfWidth } from './confidence-sequence.js';
import { combineStrata, type StratumEstimate } from './stratified.js';

/** Good and total events per arm in one stratum (one step's window). */
export interface CompareCounts {
  goodTreatment: number;
  totalTreatment: number;
  goodControl: number;
  totalControl: number;
}

export interface CompareBound {
  /** Regularised difference p~_treatment - p~_control (inverse-variance mean over strata). */
  estimate: number;
  se: number;
  halfWidth: number;
  /** Upper bound of the confidence sequence of the difference; fail when below -maxDrop. */
  upper: number;
  /** Strata used (those with both arms non-empty). */
  strata: number;
  /** Treatment events over the strata used: the sample clock of the sequence. */
  n: number;
}

/**
 * Agresti-Caffo regularisation: one pseudo success and one pseudo failure per arm,
 * p~ = (x + 1) / (n + 2), variance p~(1 - p~) / (n + 2).
 *
 * Why: the plain variance p(1-p)/n is 0 when every treatment login so far failed (p = 0), so one
 * or two unlucky logins would give a zero-width bound and roll back at once. With the pseudo
 * counts, 0 of 2 has SE ~0.22 and the sequence's multiplier at tiny n is ~10, so the bound stays far
 * above the margin; 0 of 6 against a 98 % control already crosses it at a stringent alpha. At
 * large n the pseudo counts vanish and this is the usual Wald difference. Applied per stratum, so a
 * young step with a handful of logins gets a small weight instead of a zero variance.
 */
function regularised(good: number, total: number): { p: number; v: number } {
  const p = (good + 1) / (total + 2);
  return { p, v: (p * (1 - p)) / (total + 2) };
}

/** One stratum's regularised difference and its variance; undefined when an arm is empty. */
export function compareStratum(c: CompareCounts): StratumEstimate | undefined {
  if (!(c.totalTreatment > 0 && c.totalControl > 0)) return undefined;
  const t = regularised(c.goodTreatment, c.totalTreatment);
  const k = regularised(c.goodControl, c.totalControl);
  return { estimate: t.p - k.p, variance: t.v + k.v, n: c.totalTreatment };
}

/**
 * One-sided sequential bound of treatment minus control share of good events, stratified over the
 * steps of the rollout run (see stratified.ts). `n` of the sequence is the treatment count over all
 * strata; `plannedN` is N* in the same unit. Strata with an empty arm carry no information and are
 * skipped; undefined when none is left. 0 <= good <= total and 0 < alpha < 0.5 are the caller's.
 * This normal (Wald) bound serves the non-inferiority gate and the plan's spread of the estimate;
 * the rollback tests use the likelihood-ratio bound of compare-lr.ts.
 */
export function stratifiedCompareUpper(
  strata: readonly CompareCounts[],
  plannedN: number,
  alpha: number,
): CompareBound | undefined {
  const combined = combineStrata(strata.flatMap((c) => compareStratum(c) ?? []));
  if (combined === undefined) return undefined;
  const halfWidth = csHalfWidth(combined.se, combined.n, plannedN, alpha);
  return {
    estimate: combined.estimate,
    se: combined.se,
    halfWidth,
    upper: combined.estimate + halfWidth,
    strata: combined.strata,
    n: combined.n,
  };
}
