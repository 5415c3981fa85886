import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import { comparativeSteps, splitTestAlpha } from './alpha.js';
import { lrCompareUpper, STEP_TEST_PLANNED_SAMPLES } from './compare-lr.js';
import { type CompareCounts, stratifiedCompareUpper } from './compare-wald.js';
import { compareGateMinutes } from './gate-time.js';
import { plannedRunSamples } from './planned-sample.js';
import { nextStepRemovesControl } from './step-context.js';

/** What one step of a rollout can see with the given traffic (output of `rampart plan --traffic`). */
export interface StepPower {
  stepIndex: number;
  percentage: number;
  /** Expected treatment events during the bake time. */
  treatmentSamplesInBake: number;
  /**
   * Smallest true drop (control - treatment share), present since the first step, that the
   * cumulative `compare` test fails by the end of this step's bake with 80 % power.
   */
  minDetectableDrop: number | undefined;
  /** Expected seconds from step start until `compare` fails a total outage (treatment 0 % success). */
  expectedSecondsToDetectOutage: number | undefined;
  /**
   * Only at the step before 100 %: expected seconds from step start until `compare` has shown
   * non-inferiority (the step holds until then, however long the bake), with treatment at
   * baseline - expectedDrop. Undefined elsewhere, or when not reached within a week.
   */
  expectedSecondsToShowNonInferiority?: number;
  underpowered: boolean;
  warning?: string;
}

/** What the plan needs from the spec's guardrail kinds, which the analysis does not know. */
export interface PowerPlanBasis {
  /** The alpha share of each alpha-spending guardrail under ALPHA_RULE. */
  alpha: number;
  /** The strictest (smallest) maxDrop among the spec's compare guardrails; undefined: none. */
  maxDrop: number | undefined;
}

export interface PowerPlanOptions {
  /** Success share of control the plan assumes (default 0.985, a healthy login service). */
  baseline?: number;
  /**
   * True drop of treatment the plan assumes on a healthy rollout, for the non-inferiority gate before
   * 100 % (default 0; a known friction, e.g. MFA's 0.03, brings it closer to maxDrop and slower).
   */
  expectedDrop?: number;
}

const Z_POWER_80 = 0.8416212335729143;
const MAX_OUTAGE_EVENTS = 100_000;

/**
 * Power of the `compare` test per step at `loginsPerMinute` (all users, both arms).
 *
 * Detectable drop: the smallest d such that at the end of the step's bake, with treatment share
 * baseline - d in this and every earlier step (one stratum each, a bake's traffic at its split), the
 * expected stratified bound plus 0.84 SE is below -maxDrop (80 % power for the last look; the looks
 * before it only add power, so this is conservative). The test is the cumulative one of
 * evaluate-compare.ts with the alpha share of ALPHA_RULE and N* of plannedRunSamples. A drop of exactly maxDrop is by construction allowed,
 * so a step is flagged under-powered when a drop of twice maxDrop would likely pass its bake
 * unnoticed. The strictest (smallest) maxDrop among the spec's compare guardrails (basis) is planned for.
 * Outage: treatment events needed until 0 of n fails against the baseline, at the expected arrival
 * rate, plus half a tick until the next look (a fresh failure at this step: the earlier, healthy
 * strata only dilute it in the whole-run test; the current-step test at its own alpha share catches it
 * alone, and that is what is planned after the first step; at the first step the sooner of both).
 * Gate: the step before 100 % holds until non-inferiority is shown (evaluate-compare.ts): the
 * expected lower bound of the whole-run test, at the guardrail's full alpha share, with treatment at
 * baseline - expectedDrop in every step, above -maxDrop. The plan gives the expected time from the
 * step's start and warns when it is longer than the bake.
 */
export function planPower(
  spec: RolloutSpec,
  basis: PowerPlanBasis,
  loginsPerMinute: number,
  options: PowerPlanOptions = {},
): StepPower[] {
  const baseline = options.baseline ?? 0.985;
  const { alpha, maxDrop } = basis;
  const split = splitTestAlpha(alpha, comparativeSteps(spec));
  const plannedRunN = plannedRunSamples(spec);
  const expectedDrop = options.expectedDrop ?? 0;
  const bakeMinutes = spec.bake / 60_000;
  return spec.steps.map((percentage, stepIndex) => {
    const share = percentage / 100;
    const perMinute = Math.max(0, loginsPerMinute) * share;
    const treatmentSamplesInBake = perMinute * bakeMinutes;
    const base = { stepIndex, percentage, treatmentSamplesInBake };
    if (maxDrop === undefined) {
      return { ...base, ...none, warning: 'no compare guardrail: nothing to plan' };
    }
    if (percentage >= 100) {
      return { ...base, ...none, warning: 'no control arm at 100 %: only threshold/zero guardrails judge' };
    }
    if (perMinute <= 0 || !(alpha > 0 && alpha < 0.5)) {
      return {
        ...base,
        ...none,
        underpowered: true,
        warning: 'no traffic or invalid alpha: nothing detectable',
      };
    }
    const strata: { nT: number; nC: number }[] = [];
    for (const p of spec.steps.slice(0, stepIndex + 1)) {
      const nT = Math.max(0, loginsPerMinute) * (p / 100) * bakeMinutes;
      if (p > 0 && p < 100) strata.push({ nT, nC: nT * ((100 - p) / p) });
    }
    const mdd = minDetectableDrop(strata, baseline, maxDrop, plannedRunN, split.wholeRun);
    const ratio = (1 - share) / share;
    const byStep = outageEvents(ratio, baseline, maxDrop, STEP_TEST_PLANNED_SAMPLES, split.currentStep);
    // At the first step the whole-run sequence sees the same counts; later it is diluted.
    const byRun =
      strata.length === 1 ? outageEvents(ratio, baseline, maxDrop, plannedRunN, split.wholeRun) : undefined;
    const n = byStep === undefined ? byRun : byRun === undefined ? byStep : Math.min(byStep, byRun);
    const expectedSecondsToDetectOutage =
      n === undefined ? undefined : (n / perMinute) * 60 + spec.tick / 2000;
    const underpowered = mdd === undefined || mdd > 2 * maxDrop;
    const step: StepPower = { ...base, minDetectableDrop: mdd, expectedSecondsToDetectOutage, underpowered };
    if (underpowered) {
      const before = strata.slice(0, -1).reduce((sum, x) => sum + x.nT, 0);
      const earlier = before > 0 ? ` (+${Math.round(before)} in earlier steps)` : '';
      const what = mdd === undefined ? 'not even a total outage' : `only drops >= ${mdd.toFixed(3)}`;
      step.warning =
        `under-powered: ${Math.round(treatmentSamplesInBake)} treatment logins in the bake${earlier} detect ${what}; ` +
        `a drop of 2 x maxDrop (${(2 * maxDrop).toFixed(3)}) would likely pass. Lengthen bake or raise minSamples.`;
    }
    if (nextStepRemovesControl(spec.steps, stepIndex)) {
      const earlier = strata.slice(0, -1);
      const minutes = compareGateMinutes(earlier, perMinute, share, {
        baseline,
        drop: expectedDrop,
        maxDrop,
        plannedN: plannedRunN,
        alpha,
      });
      const bake = Math.round(bakeMinutes);
      const note =
        minutes === undefined
          ? `holds before 100 % until non-inferiority is shown; not expected within a week at this traffic ` +
            `with a true drop of ${expectedDrop}`
          : `holds before 100 % until non-inferiority is shown (lower bound of treatment - control above ` +
            `-${maxDrop}): expected (median) ${minutes === 0 ? 'from the earlier steps alone' : `after ~${Math.ceil(minutes)} min`} at this traffic with a true drop of ` +
            `${expectedDrop} (bake ${bake} min${minutes > bakeMinutes ? `, +${Math.ceil(minutes - bakeMinutes)} min` : ''})`;
      if (minutes !== undefined) step.expectedSecondsToShowNonInferiority = minutes * 60;
      step.warning = step.warning === undefined ? note : `${step.warning}; ${note}`;
    }
    return step;
  });
}

const none = { minDetectableDrop: undefined, expectedSecondsToDetectOutage: undefined, underpowered: false };

function detects(
  drop: number,
  strata: readonly { nT: number; nC: number }[],
  baseline: number,
  maxDrop: number,
  plannedN: number,
  alpha: number,
): boolean {
  const counts: CompareCounts[] = strata.map(({ nT, nC }) => ({
    goodTreatment: (baseline - drop) * nT,
    totalTreatment: nT,
    goodControl: baseline * nC,
    totalControl: nC,
  }));
  // The likelihood-ratio bound of the test (compare-lr.ts); the estimate spreads with the observed
  // (Wald) standard error under the alternative.
  const b = lrCompareUpper(counts, plannedN, alpha, -maxDrop);
  const spread = stratifiedCompareUpper(counts, plannedN, alpha);
  return b !== undefined && spread !== undefined && b.upper + Z_POWER_80 * spread.se < -maxDrop;
}

function minDetectableDrop(
  strata: readonly { nT: number; nC: number }[],
  baseline: number,
  maxDrop: number,
  plannedN: number,
  alpha: number,
): number | undefined {
  if (strata.length === 0 || !detects(baseline, strata, baseline, maxDrop, plannedN, alpha)) return undefined;
  let lo = 0;
  let hi = baseline;
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (detects(mid, strata, baseline, maxDrop, plannedN, alpha)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Treatment events until 0 successes out of n fail against a control `ratio` times larger. */
function outageEvents(
  ratio: number,
  baseline: number,
  maxDrop: number,
  plannedN: number,
  alpha: number,
): number | undefined {
  for (let n = 1; n <= MAX_OUTAGE_EVENTS; n++) {
    const nC = n * ratio;
    const b = lrCompareUpper(
      [{ goodTreatment: 0, totalTreatment: n, goodControl: baseline * nC, totalControl: nC }],
      plannedN,
      alpha,
      -maxDrop,
    );
    if (b?.crosses) return n;
  }
  return undefined;
}
