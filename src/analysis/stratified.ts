/**
 * Inverse-variance combination of per-stratum estimates (one stratum per step of a rollout run).
 *
 * Why strata: the split changes between steps and base rates drift over the hours of a ramp, so
 * pooling raw counts across steps would compare a treatment arm weighted towards late (large-step)
 * traffic with a control arm weighted towards early traffic (Simpson's paradox). Within one step
 * both arms see the same hours, so each step's difference is an unbiased estimate of the effect;
 * the weighted mean of independent, asymptotically normal per-step estimates is asymptotically
 * normal with variance 1 / sum(w), w = 1 / variance.
 */
export interface StratumEstimate {
  estimate: number;
  variance: number;
  /** Treatment events of the stratum (the sample clock of the confidence sequence). */
  n: number;
}

export interface CombinedEstimate {
  estimate: number;
  se: number;
  /** Treatment events over every stratum used. */
  n: number;
  /** Strata that carried information (both arms non-empty). */
  strata: number;
}

/** Combines strata; undefined when none is given. Strata must have variance > 0. */
export function combineStrata(strata: readonly StratumEstimate[]): CombinedEstimate | undefined {
  if (strata.length === 0) return undefined;
  if (strata.length === 1) {
    const s = strata[0] as StratumEstimate;
    return { estimate: s.estimate, se: Math.sqrt(s.variance), n: s.n, strata: 1 };
  }
  let sumW = 0;
  let sumWx = 0;
  let n = 0;
  for (const s of strata) {
    const w = 1 / s.variance;
    sumW += w;
    sumWx += w * s.estimate;
    n += s.n;
  }
  return { estimate: sumWx / sumW, se: Math.sqrt(1 / sumW), n, strata: strata.length };
}
