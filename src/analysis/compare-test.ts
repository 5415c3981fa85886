import { csHalfWidth } from './confidence-sequence.js';

/** Good and total events per arm since the step started. */
export interface CompareCounts {
  goodTreatment: number;
  totalTreatment: number;
  goodControl: number;
  totalControl: number;
}

export interface CompareBound {
  /** Regularised difference p~_treatment - p~_control. */
  estimate: number;
  se: number;
  halfWidth: number;
  /** Upper bound of the confidence sequence of the difference; fail when below -maxDrop. */
  upper: number;
}

/**
 * Agresti-Caffo regularisation: one pseudo success and one pseudo failure per arm,
 * p~ = (x + 1) / (n + 2), variance p~(1 - p~) / (n + 2).
 *
 * Why: the plain variance p(1-p)/n is 0 when every treatment login so far failed (p = 0), so one
 * or two unlucky logins would give a zero-width bound and roll back at once. With the pseudo
 * counts, 0 of 2 has SE ~0.22 and the sequence's multiplier at tiny n is ~10, so the bound stays far
 * above the margin; 0 of 6 against a 98 % control already crosses it at the default alpha share. At
 * large n the pseudo counts vanish and this is the usual Wald difference.
 */
function regularised(good: number, total: number): { p: number; v: number } {
  const p = (good + 1) / (total + 2);
  return { p, v: (p * (1 - p)) / (total + 2) };
}

/**
 * One-sided sequential bound of treatment minus control share of good events. `n` (the sample
 * clock of the sequence) is the treatment count; `plannedN` is N* in the same unit.
 * Callers guarantee totalTreatment > 0, totalControl > 0, 0 <= good <= total, 0 < alpha < 0.5.
 */
export function compareUpperBound(c: CompareCounts, plannedN: number, alpha: number): CompareBound {
  const t = regularised(c.goodTreatment, c.totalTreatment);
  const k = regularised(c.goodControl, c.totalControl);
  const estimate = t.p - k.p;
  const se = Math.sqrt(t.v + k.v);
  const halfWidth = csHalfWidth(se, c.totalTreatment, plannedN, alpha);
  return { estimate, se, halfWidth, upper: estimate + halfWidth };
}
