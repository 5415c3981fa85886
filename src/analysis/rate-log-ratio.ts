import { csHalfWidth } from './confidence-sequence.js';
import { combineStrata, type StratumEstimate } from './stratified.js';

/** Pseudo events added to each arm (Haldane-Anscombe): keeps ln(rate) finite and its variance sane at 0 events. */
const PSEUDO_EVENTS = 0.5;

/** Events and exposures per arm in one stratum (one step's window). */
export interface RateCounts {
  eventsT: number;
  perT: number;
  eventsC: number;
  perC: number;
}

export interface RateBound {
  /** ln(treatment rate / control rate), inverse-variance mean over strata. */
  logRatio: number;
  se: number;
  lower: number;
  strata: number;
  /** Treatment exposures over the strata used: the sample clock of the sequence. */
  n: number;
}

/** One stratum's log rate ratio and its delta-method variance; undefined when an arm has no exposures. */
export function rateStratum(c: RateCounts): StratumEstimate | undefined {
  if (!(c.perT > 0 && c.perC > 0)) return undefined;
  return {
    estimate: Math.log((c.eventsT + PSEUDO_EVENTS) / c.perT) - Math.log((c.eventsC + PSEUDO_EVENTS) / c.perC),
    variance: 1 / (c.eventsT + PSEUDO_EVENTS) + 1 / (c.eventsC + PSEUDO_EVENTS),
    n: c.perT,
  };
}

/**
 * Sequential lower bound of ln(treatment rate / control rate) under a Poisson model (delta method),
 * stratified over the steps of the rollout run (see stratified.ts). `n` of the confidence sequence
 * is the treatment exposure count over all strata, in the same unit as plannedN.
 */
export function stratifiedRateLower(
  strata: readonly RateCounts[],
  plannedN: number,
  alpha: number,
): RateBound | undefined {
  const c = combineStrata(strata.flatMap((s) => rateStratum(s) ?? []));
  if (c === undefined) return undefined;
  const lower = c.estimate - csHalfWidth(c.se, c.n, plannedN, alpha);
  return { logRatio: c.estimate, se: c.se, lower, strata: c.strata, n: c.n };
}
