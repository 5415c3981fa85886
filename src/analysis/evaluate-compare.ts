import type { GuardrailOf } from '../spec/rollout-spec-schema.js';
import { type Checked, checkAlpha, checkArmCounts, checkSubset } from './checked-input.js';
import { type CompareCounts, stratifiedCompareUpper } from './compare-test.js';
import { fmtCount, fmtShare } from './format.js';
import type { ArmCounts, GuardrailInput, Measured } from './guardrail-input.js';
import { makeVerdict, notJudged } from './make-verdict.js';
import type { StepContext } from './step-context.js';
import type { Verdict } from './verdict.js';

/**
 * `compare`: one-sided sequential non-inferiority test of p_treatment - p_control against -maxDrop
 * (see compare-test.ts for the bound and its tiny-sample regularisation). The test spans the
 * rollout run: each step is a stratum (its own window, its own split), the per-step differences are
 * combined by inverse-variance weights and the confidence sequence runs over the combined estimate,
 * so a moderate harm accumulates evidence across steps instead of restarting at every step.
 * `pass` means "no evidence of harm yet"; the evidence's treatment/control are the current step's.
 */
export function evaluateCompare(
  g: GuardrailOf<'compare'>,
  input: Extract<GuardrailInput, { kind: 'compare' }>,
  step: StepContext,
  alpha: number,
): Verdict {
  const a = checkAlpha(alpha);
  if (!a.ok) return notJudged(g, a);
  const current = checkStratum(g, input.good, input.total);
  if (!current.ok) return notJudged(g, current);
  const earlier: CompareCounts[] = [];
  for (const [i, s] of (input.earlier ?? []).entries()) {
    const c = checkStratum(g, s.good, s.total, ` (earlier step ${i + 1})`);
    if (!c.ok) return notJudged(g, c);
    earlier.push(c.value);
  }
  const { goodTreatment: gT, totalTreatment: nT, goodControl: gC, totalControl: nC } = current.value;
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
  const b = stratifiedCompareUpper([...earlier, current.value], step.plannedSamples, alpha);
  if (b === undefined) {
    const what = pT === undefined ? 'treatment' : 'control';
    return makeVerdict(g, 'inconclusive', `no ${what} events since step start`, evidence);
  }
  const failed = b.upper < -g.compare.maxDrop;
  const limit = `upper bound ${fmtShare(b.upper)} ${failed ? '<' : '>='} ${fmtShare(-g.compare.maxDrop)}`;
  const here =
    pT !== undefined && pC !== undefined
      ? `treatment ${fmtShare(pT)} (n=${fmtCount(nT)}) vs control ${fmtShare(pC)} (n=${fmtCount(nC)})`
      : `no ${pT === undefined ? 'treatment' : 'control'} events`;
  const reason =
    earlier.length === 0
      ? `${here}, ${limit}`
      : `${here} this step; over ${b.strata} step(s) (treatment n=${fmtCount(b.n)}): ` +
        `difference ${fmtShare(b.estimate)}, ${limit}`;
  return makeVerdict(g, failed ? 'fail' : 'pass', reason, {
    ...evidence,
    estimate: b.estimate,
    bound: b.upper,
    strata: b.strata,
  });
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
