import type { GuardrailOf } from '../rollout-spec/rollout-spec-schema.js';
import { type Checked, checkArmCounts, checkSubset } from './checked-input.js';
import { type LrCompareBound, lrCompareUpper, STEP_TEST_PLANNED_SAMPLES } from './compare-lr.js';
import { type CompareCounts, stratifiedCompareUpper } from './compare-wald.js';
import { fmtCount, fmtShare } from './format.js';
import type { ArmCounts, CompareStratumInput, GuardrailInput, Measured } from './guardrail-input.js';
import type { StepContext } from './step-context.js';
import { type TwoArmTest, twoArmTest } from './two-arm-test.js';
import type { Judgement } from './verdict.js';

/**
 * `compare`: one-sided sequential non-inferiority test of p_treatment - p_control against -maxDrop.
 * Two likelihood-ratio confidence sequences (compare-lr.ts: binomial tails, pseudo counts against
 * one or two unlucky logins), run by twoArmTest; `fail` (rollback) when the upper bound of either
 * is below -maxDrop:
 * - whole run: every step a stratum (its own window, its own split) with a common difference, so a
 *   moderate harm accumulates evidence across steps; tuned for the run's planned sample;
 * - current step alone, tuned for the step's planned sample: a fault that starts at a later step is
 *   not diluted by healthy earlier strata, and a total failure fails after a handful of logins.
 * Gate: at the step before 100 % (StepContext.nextStepRemovesControl) nothing can detect a harm
 * after the move, so the verdict is `inconclusive` (holds, never rolls back) until non-inferiority is
 * shown: the LOWER bound of the whole-run sequence (compare-wald.ts), at the guardrail's full alpha
 * share, above -maxDrop. `pass` means "no evidence of harm yet" (and, before 100 %, "shown not to
 * harm by more than maxDrop"); the evidence's treatment/control are the current step's.
 */
export function evaluateCompare(
  g: GuardrailOf<'compare'>,
  input: Extract<GuardrailInput, { kind: 'compare' }>,
  step: StepContext,
  alpha: number,
): Judgement {
  return twoArmTest(g, compareTest(g), { good: input.good, total: input.total }, input.earlier, step, alpha);
}

function compareTest(
  g: GuardrailOf<'compare'>,
): TwoArmTest<CompareStratumInput, CompareCounts, LrCompareBound> {
  const margin = -g.compare.maxDrop;
  const upper = (x: number) => `upper bound ${fmtShare(x)} ${x < margin ? '<' : '>='} ${fmtShare(margin)}`;
  return {
    limit: margin,
    unit: 'events',
    check: (s, where) => checkStratum(g, s.good, s.total, where),
    arms: (c) => ({
      treatment: { n: c.totalTreatment, events: c.goodTreatment },
      control: { n: c.totalControl, events: c.goodControl },
    }),
    describeArms: (t, c) =>
      `treatment ${fmtShare(t.estimate)} (n=${fmtCount(t.n)}) vs control ${fmtShare(c.estimate)} (n=${fmtCount(c.n)})`,
    wholeRun: (all, step, alpha) => lrCompareUpper(all, step.plannedRunSamples, alpha, margin),
    currentStep: (current, _step, alpha) =>
      lrCompareUpper([current], STEP_TEST_PLANNED_SAMPLES, alpha, margin),
    // Decided on the likelihood, the bounds are for the reason.
    crosses: (b) => b.crosses,
    describe: (b, single) =>
      single ? upper(b.upper) : `difference ${fmtShare(b.estimate)}, ${upper(b.upper)}`,
    judged: (b) => ({ estimate: b.estimate, bound: b.upper }),
    gate: (all, step, alpha) => {
      const gate = stratifiedCompareUpper(all, step.plannedRunSamples, alpha);
      const lower = gate === undefined ? Number.NEGATIVE_INFINITY : gate.estimate - gate.halfWidth;
      const shown = lower > margin;
      return {
        shown,
        bound: lower,
        text: `lower bound ${fmtShare(lower)} ${shown ? '>' : '<'} ${fmtShare(margin)}`,
      };
    },
  };
}

function checkStratum(
  g: GuardrailOf<'compare'>,
  goodM: Measured<ArmCounts>,
  totalM: Measured<ArmCounts>,
  where = '',
): Checked<CompareCounts> {
  const good = checkArmCounts(goodM, `good ${g.compare.metric}${where}`);
  if (!good.ok) return good;
  const total = checkArmCounts(totalM, `total ${g.compare.metric}${where}`);
  if (!total.ok) return total;
  const gT = checkSubset(good.value.treatment, total.value.treatment, `treatment${where}`);
  if (!gT.ok) return gT;
  const gC = checkSubset(good.value.control, total.value.control, `control${where}`);
  if (!gC.ok) return gC;
  return {
    ok: true,
    value: {
      goodTreatment: gT.value,
      totalTreatment: total.value.treatment,
      goodControl: gC.value,
      totalControl: total.value.control,
    },
  };
}
