import { type CompareCounts, stratifiedCompareUpper } from './compare-wald.js';
import { stratifiedRateLower } from './rate-log-ratio.js';

/** Expected exposures of one earlier step of the run (a stratum of the whole-run test). */
export interface ArmExposures {
  nT: number;
  nC: number;
}

const MAX_GATE_MINUTES = 7 * 24 * 60;

/**
 * Minutes at the gated step (the one before 100 %) until `shown(nT, nC)` holds for the expected
 * counts of the earlier strata plus this step's first m minutes at `perMinute` treatment events and
 * split `share`; 0 when the earlier steps alone show it, undefined when not within a week.
 * Bisection: the bounds tighten monotonically with more events.
 */
function minutesUntil(
  earlier: readonly ArmExposures[],
  perMinute: number,
  share: number,
  shown: (strata: readonly ArmExposures[]) => boolean,
): number | undefined {
  const at = (m: number) => {
    const nT = perMinute * m;
    return shown([...earlier, { nT, nC: (nT * (1 - share)) / share }].filter((x) => x.nT > 0 && x.nC > 0));
  };
  if (!at(MAX_GATE_MINUTES)) return undefined;
  if (at(0)) return 0;
  let lo = 0;
  let hi = MAX_GATE_MINUTES;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (at(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** `compare`'s gate: the expected lower bound of treatment - control share above -maxDrop. */
export function compareGateMinutes(
  earlier: readonly ArmExposures[],
  perMinute: number,
  share: number,
  a: { baseline: number; drop: number; maxDrop: number; plannedN: number; alpha: number },
): number | undefined {
  return minutesUntil(earlier, perMinute, share, (strata) => {
    const counts: CompareCounts[] = strata.map(({ nT, nC }) => ({
      goodTreatment: (a.baseline - a.drop) * nT,
      totalTreatment: nT,
      goodControl: a.baseline * nC,
      totalControl: nC,
    }));
    const b = stratifiedCompareUpper(counts, a.plannedN, a.alpha);
    return b !== undefined && b.estimate - b.halfWidth > -a.maxDrop;
  });
}

/**
 * `rate`'s gate: the expected upper bound of the treatment/control rate ratio below maxRatio, with
 * `eventsPer` events per exposure in both arms (no true difference).
 */
export function rateGateMinutes(
  earlier: readonly ArmExposures[],
  perMinute: number,
  share: number,
  a: { eventsPer: number; maxRatio: number; plannedN: number; alpha: number },
): number | undefined {
  return minutesUntil(earlier, perMinute, share, (strata) => {
    const b = stratifiedRateLower(
      strata.map(({ nT, nC }) => ({
        eventsT: a.eventsPer * nT,
        perT: nT,
        eventsC: a.eventsPer * nC,
        perC: nC,
      })),
      a.plannedN,
      a.alpha,
    );
    // Same as evaluate-rate.ts: the upper bound mirrors the lower one around the estimate.
    return b !== undefined && Math.exp(2 * b.logRatio - b.lower) < a.maxRatio;
  });
}
