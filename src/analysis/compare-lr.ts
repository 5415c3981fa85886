import type { CompareBound, CompareCounts } from './compare-wald.js';
import { csMultiplier } from './confidence-sequence.js';
import { restrictedProportions } from './farrington-manning.js';

/**
 * The rollback bound of `compare`: a likelihood-ratio confidence sequence for the difference
 * d = p_treatment - p_control, common to every stratum (step) of the run.
 *
 * Why the likelihood and not a normal approximation: failures are rare (a few percent), so the count
 * of failed logins is skewed to the right, and a bound that treats it as normal either uses the
 * observed variance (Wald: a harmed arm is noisier, so the bound widens exactly when it should
 * cross; ~3.4x the SPRT floor on mfa-drop-5pp) or the variance under the margin (score form: fast,
 * but at the margin it failed 47 of 2,000 simulated runs where the budget allows 10, because a 4-sigma
 * excess of a skewed count is ten times likelier than a normal one). The profile likelihood ratio
 * follows the binomial's own tails, and its evidence per login is the Bernoulli Kullback-Leibler
 * divergence that Wald's SPRT floor is made of.
 *
 * The bound: every d whose profile log-likelihood is within m^2 / 2 of the maximum, where m is the
 * confidence sequence's multiplier at the treatment count (confidence-sequence.ts), i.e. the signed
 * root of the likelihood-ratio statistic takes the place of the z-score. The nuisance (each stratum's
 * control rate) is profiled out with the Farrington-Manning restricted MLE. Counts carry the
 * Agresti-Caffo pseudo counts (one success and one failure per arm and stratum), so one or two
 * unlucky logins never fail.
 */

/**
 * N* of `compare`'s current-step sequence. That sequence is the detector for a fault that starts at
 * the step (the whole-run one, tuned for the run's planned sample, is the detector for moderate
 * harms), so it is tuned to decide within a step's first hundred treatment logins: a total failure
 * then fails after six of them (eight at N* = 200), whatever minSamples is.
 */
export const STEP_TEST_PLANNED_SAMPLES = 100;

interface Stratum {
  xT: number;
  nT: number;
  xC: number;
  nC: number;
}

function regularise(c: CompareCounts): Stratum {
  return { xT: c.goodTreatment + 1, nT: c.totalTreatment + 2, xC: c.goodControl + 1, nC: c.totalControl + 2 };
}

function binomialLogLik(x: number, n: number, p: number): number {
  // Pseudo counts make x >= 1 and n - x >= 1, so a p of exactly 0 or 1 is -Infinity, never NaN.
  return x * Math.log(p) + (n - x) * Math.log(1 - p);
}

/** Profile log-likelihood of a common difference d over the strata. */
function profile(strata: readonly Stratum[], d: number): number {
  let sum = 0;
  for (const s of strata) {
    const r = restrictedProportions(s.xT / s.nT, s.nT, s.xC / s.nC, s.nC, d);
    sum += binomialLogLik(s.xT, s.nT, r.treatment) + binomialLogLik(s.xC, s.nC, r.control);
  }
  return sum;
}

/** The common-difference MLE: the profile is concave, its maximum lies between the strata's own. */
function maximise(strata: readonly Stratum[]): { d: number; l: number } {
  const own = strata.map((s) => s.xT / s.nT - s.xC / s.nC);
  let lo = Math.min(...own);
  let hi = Math.max(...own);
  if (strata.length === 1 || hi - lo < 1e-12) return { d: lo, l: profile(strata, lo) };
  // Golden-section search, one new profile per iteration; 1e-8 in d is far below what moves the
  // likelihood (it is flat at its maximum).
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo);
  let b = lo + g * (hi - lo);
  let la = profile(strata, a);
  let lb = profile(strata, b);
  while (hi - lo > 1e-8) {
    if (la < lb) {
      lo = a;
      a = b;
      la = lb;
      b = lo + g * (hi - lo);
      lb = profile(strata, b);
    } else {
      hi = b;
      b = a;
      lb = la;
      a = hi - g * (hi - lo);
      la = profile(strata, a);
    }
  }
  return la >= lb ? { d: a, l: la } : { d: b, l: lb };
}

/** Upper end of {d >= d^ : l(d^) - l(d) <= drop}, by bisection (the profile falls monotonically). */
function upperEnd(strata: readonly Stratum[], top: { d: number; l: number }, drop: number): number {
  const inside = (d: number) => top.l - profile(strata, d) <= drop;
  let lo = top.d;
  let hi = 1 - 1e-12;
  if (inside(hi)) return 1;
  for (let i = 0; i < 60 && hi - lo > 1e-9; i++) {
    const mid = (lo + hi) / 2;
    if (inside(mid)) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Strata with both arms non-empty, pseudo counts added; their treatment events; the multiplier. */
interface Prepared {
  strata: Stratum[];
  used: number;
  n: number;
  m: number;
}

function prepare(counts: readonly CompareCounts[], plannedN: number, alpha: number): Prepared | undefined {
  const used = counts.filter((c) => c.totalTreatment > 0 && c.totalControl > 0);
  if (used.length === 0) return undefined;
  const n = used.reduce((a, c) => a + c.totalTreatment, 0);
  return { strata: used.map(regularise), used: used.length, n, m: csMultiplier(n, plannedN, alpha) };
}

/** The test's decision at `limit`, given the profile's maximum: is the bound below `limit`? */
function crosses(
  p: Prepared,
  top: { d: number; l: number },
  limit: number,
  atLimit = profile(p.strata, limit),
) {
  return top.d < limit && top.l - atLimit > (p.m * p.m) / 2;
}

/**
 * Whether the upper bound of the sequence is below `limit` (the rollback decision), without the
 * bisection for the bound itself: the MLE is below `limit` and the profile has dropped by more than
 * m^2 / 2 from it to `limit`. Undefined when no stratum has both arms. Agrees with
 * lrCompareUpper's `crosses`.
 */
export function lrCompareCrosses(
  counts: readonly CompareCounts[],
  plannedN: number,
  alpha: number,
  limit: number,
): boolean | undefined {
  const p = prepare(counts, plannedN, alpha);
  if (p === undefined) return undefined;
  const atLimit = profile(p.strata, limit);
  // The profile is concave: if it does not rise just below the limit, the MLE is not below it (a
  // maximum within 1e-7 of the limit is within rounding of it), and this is most looks of a healthy
  // run, at two profiles instead of a search.
  if (!(profile(p.strata, limit - 1e-7) > atLimit)) return false;
  return crosses(p, maximise(p.strata), limit, atLimit);
}

/** The bound of the sequence, and the test's decision at `limit` from the same maximum. */
export interface LrCompareBound extends CompareBound {
  /** The upper bound is below `limit` (decided on the likelihood, not on the rounded bound). */
  crosses: boolean;
}

/**
 * Upper bound of the likelihood-ratio confidence sequence of the common difference over `counts`
 * (strata with an empty arm skipped; undefined when none is left), and whether it is below `limit`.
 * `plannedN` is N* in treatment events, 0 < alpha < 0.5 one-sided. `se` is the implied standard
 * error (half-width / multiplier).
 */
export function lrCompareUpper(
  counts: readonly CompareCounts[],
  plannedN: number,
  alpha: number,
  limit: number,
): LrCompareBound | undefined {
  const p = prepare(counts, plannedN, alpha);
  if (p === undefined) return undefined;
  const top = maximise(p.strata);
  const upper = upperEnd(p.strata, top, (p.m * p.m) / 2);
  const halfWidth = upper - top.d;
  return {
    estimate: top.d,
    se: halfWidth / p.m,
    halfWidth,
    upper,
    strata: p.used,
    n: p.n,
    crosses: crosses(p, top, limit),
  };
}
