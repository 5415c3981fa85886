import type { GuardrailOf } from '../spec/rollout-spec-schema.js';
import { checkAlpha, checkArmCounts, checkSubset } from './checked-input.js';
import { compareUpperBound } from './compare-test.js';
import { fmtCount, fmtShare } from './format.js';
import type { GuardrailInput } from './guardrail-input.js';
import { makeVerdict, notJudged } from './make-verdict.js';
import type { StepContext } from './step-context.js';
import type { Verdict } from './verdict.js';

/**
 * `compare`: one-sided sequential non-inferiority test of p_treatment - p_control against -maxDrop
 * (see compare-test.ts for the bound and its tiny-sample regularisation). Counts are since the
 * step started, so the test restarts at every step. `pass` means "no evidence of harm yet".
 */
export function evaluateCompare(
  g: GuardrailOf<'compare'>,
  input: Extract<GuardrailInput, { kind: 'compare' }>,
  step: StepContext,
  alpha: number,
): Verdict {
  const a = checkAlpha(alpha);
  if (!a.ok) return notJudged(g, a);
  const good = checkArmCounts(input.good, `good ${g.compare.metric}`);
  if (!good.ok) return notJudged(g, good);
  const total = checkArmCounts(input.total, `total ${g.compare.metric}`);
  if (!total.ok) return notJudged(g, total);
  const nT = total.value.treatment;
  const nC = total.value.control;
  const gT = checkSubset(good.value.treatment, nT, 'treatment');
  if (!gT.ok) return notJudged(g, gT);
  const gC = checkSubset(good.value.control, nC, 'control');
  if (!gC.ok) return notJudged(g, gC);

  const pT = nT > 0 ? gT.value / nT : undefined;
  const pC = nC > 0 ? gC.value / nC : undefined;
  const evidence = {
    treatment: { n: nT, events: gT.value, estimate: pT },
    control: { n: nC, events: gC.value, estimate: pC },
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
  if (pT === undefined)
    return makeVerdict(g, 'inconclusive', 'no treatment events since step start', evidence);
  if (pC === undefined) return makeVerdict(g, 'inconclusive', 'no control events since step start', evidence);

  const b = compareUpperBound(
    { goodTreatment: gT.value, totalTreatment: nT, goodControl: gC.value, totalControl: nC },
    step.plannedSamples,
    alpha,
  );
  const failed = b.upper < -g.compare.maxDrop;
  const reason =
    `treatment ${fmtShare(pT)} (n=${fmtCount(nT)}) vs control ${fmtShare(pC)} (n=${fmtCount(nC)}), ` +
    `upper bound ${fmtShare(b.upper)} ${failed ? '<' : '>='} ${fmtShare(-g.compare.maxDrop)}`;
  return makeVerdict(g, failed ? 'fail' : 'pass', reason, { ...evidence, estimate: pT - pC, bound: b.upper });
}
