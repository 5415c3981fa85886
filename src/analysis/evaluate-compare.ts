import type { GuardrailOf } from '../rollout-spec/rollout-spec-schema.js';
import { splitTestAlpha } from './alpha.js';
import { type Checked, checkAlpha, checkArmCounts, checkStrata, checkSubset } from './checked-input.js';
import { lrCompareUpper, STEP_TEST_PLANNED_SAMPLES } from './compare-lr.js';
import { type CompareCounts, stratifiedCompareUpper } from './compare-test.js';
import { fmtCount, fmtShare } from './format.js';
import type { ArmCounts, GuardrailInput, Measured } from './guardrail-input.js';
import { makeVerdict, notJudged } from './make-verdict.js';
import type { StepContext } from './step-context.js';
import type { Verdict } from './verdict.js';

/**
 * `compare`: one-sided sequential non-inferiority test of p_treatment - p_control against -maxDrop.
 * Two likelihood-ratio confidence sequences (compare-lr.ts: binomial tails, pseudo counts against
 * one or two unlucky logins), alpha split as ALPHA_RULE says; `fail` (rollback) when the upper bound
 * of either is below -maxDrop:
 * - whole run: every step a stratum (its own window, its own split) with a common difference, so a
 *   moderate harm accumulates evidence across steps; tuned for the run's planned sample;
 * - current step alone, tuned for the step's planned sample: a fault that starts at a later step is
 *   not diluted by healthy earlier strata, and a total failure fails after a handful of logins.
 * Gate: at the step before 100 % (StepContext.nextStepRemovesControl) nothing can detect a harm
 * after the move, so the verdict is `inconclusive` (holds, never rolls back) until non-inferiority is
 * shown: the LOWER bound of the whole-run sequence (compare-test.ts), at the guardrail's full alpha
 * share, above -maxDrop. `pass` means "no evidence of harm yet" (and, before 100 %, "shown not to
 * harm by more than maxDrop"); the evidence's treatment/control are the current step's.
 */
export function evaluateCompare(
  g: GuardrailOf<'compare'>,
  input: Extract<GuardrailInput, { kind: 'compare' }>,
  step: StepContext,
  alpha: number,
): Verdict {
  const a = checkAlpha(alpha);
  if (!a.ok) return notJudged(g, a);
  const strata = checkStrata({ good: input.good, total: input.total }, input.earlier, (s, where) =>
    checkStratum(g, s.good, s.total, where),
  );
  if (!strata.ok) return notJudged(g, strata);
  const { current, earlier } = strata.value;
  const { goodTreatment: gT, totalTreatment: nT, goodControl: gC, totalControl: nC } = current;
  const pT = nT > 0 ? gT / nT : undefined;
  const pC = nC > 0 ? gC / nC : undefined;
  const evidence = {
    treatment: { n: nT, events: gT, estimate: pT },
    control: { n: nC, events: gC, estimate: pC },
    limit: -g.compare.maxDrop,
    alpha,
  };
  if (step.percentage >= 100 && nC === 0) {
    return makeVerdict(
      g,
      'inconclusive',
      `no control arm at ${step.percentage} %: nothing to compare`,
      evidence,
    );
  }
  const all = [...earlier, current];
  const split = splitTestAlpha(alpha, step.comparativeSteps);
  const margin = -g.compare.maxDrop;
  const b = lrCompareUpper(all, step.plannedRunSamples, split.wholeRun, margin);
  const latest = lrCompareUpper([current], STEP_TEST_PLANNED_SAMPLES, split.currentStep, margin);
  if (b === undefined) {
    const what = pT === undefined ? 'treatment' : 'control';
    return makeVerdict(g, 'inconclusive', `no ${what} events since step start`, evidence);
  }
  // Decided on the likelihood (`crosses`), the bounds are for the reason.
  const wholeFailed = b.crosses;
  const latestFailed = latest?.crosses === true;
  const here =
    pT !== undefined && pC !== undefined
      ? `treatment ${fmtShare(pT)} (n=${fmtCount(nT)}) vs control ${fmtShare(pC)} (n=${fmtCount(nC)})`
      : `no ${pT === undefined ? 'treatment' : 'control'} events`;
  const upper = (x: number) => `upper bound ${fmtShare(x)} ${x < margin ? '<' : '>='} ${fmtShare(margin)}`;
  let reason: string;
  if (earlier.length === 0) {
    // One stratum: both sequences see the same counts; show the one that crossed, if any.
    reason = `${here}, ${upper(latestFailed && !wholeFailed && latest ? latest.upper : b.upper)}`;
  } else {
    const whole =
      `${here} this step; over ${b.strata} step(s) (treatment n=${fmtCount(b.n)}): ` +
      `difference ${fmtShare(b.estimate)}, ${upper(b.upper)}`;
    reason =
      latest === undefined
        ? whole
        : `${whole}; this step alone: difference ${fmtShare(latest.estimate)}, ${upper(latest.upper)}`;
  }
  const shown = latestFailed && !wholeFailed && latest !== undefined ? latest : b;
  const judged = { ...evidence, estimate: shown.estimate, bound: shown.upper, strata: shown.strata };
  if (wholeFailed || latestFailed) return makeVerdict(g, 'fail', reason, judged);
  if (!step.nextStepRemovesControl) return makeVerdict(g, 'pass', reason, judged);
  // Non-inferiority gate: the last look with a control arm. Spends no rollback alpha (it only holds).
  const gate = stratifiedCompareUpper(all, step.plannedRunSamples, alpha);
  const lower = gate === undefined ? Number.NEGATIVE_INFINITY : gate.estimate - gate.halfWidth;
  if (!(lower > margin)) {
    return makeVerdict(
      g,
      'inconclusive',
      `non-inferiority not shown yet before 100 % (lower bound ${fmtShare(lower)} < ${fmtShare(margin)}); ` +
        `holding; ${reason}`,
      { ...judged, bound: lower },
    );
  }
  return makeVerdict(
    g,
    'pass',
    `${reason}; non-inferiority shown before 100 % (lower bound ${fmtShare(lower)} > ${fmtShare(margin)})`,
    judged,
  );
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
