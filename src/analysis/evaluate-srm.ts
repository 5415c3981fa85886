import type { GuardrailOf } from '../rollout-spec/rollout-spec-schema.js';
import { checkArmCounts } from './checked-input.js';
import { chiSquare1Sf } from './chi-square.js';
import { csMultiplier } from './confidence-sequence.js';
import { fmtCount, fmtNumber, fmtP, fmtShare } from './format.js';
import type { GuardrailInput } from './guardrail-input.js';
import { makeJudgement, notJudged } from './make-judgement.js';
import { srmLogEValue } from './srm-evalue.js';
import type { StepContext } from './step-context.js';
import type { Evidence, Judgement } from './verdict.js';

/**
 * `srm` (sample ratio mismatch): chi-square goodness of fit (1 df) of the exposures per arm against
 * the configured split. A mismatch means the flag is not serving the split we think (sticky
 * sessions, a crashing variant, a wrong label), so every comparison is suspect: `fail` asks for a
 * pause, never a rollback, and spends none of the rollback alpha (it has its own pValue).
 *
 * Looked at every tick, the fixed-sample rule "p < pValue" is crossed by chance far more often than
 * pValue (simulated: ~6 % of healthy 1-5-25-50-100 rollouts paused at pValue 0.001). So the
 * statistic is compared with the square of the two-sided confidence-sequence multiplier at
 * pValue (see confidence-sequence.ts), which keeps the chance of a false pause per step below
 * pValue under continuous monitoring; the fixed-sample p is still reported.
 *
 * `settle`: the controller counts exposures from `settle` after the step started, because the
 * first scrape interval and the SDKs' refresh after a step change still carry the old percentage
 * (a false mismatch right after every step); before that the verdict is inconclusive.
 *
 * `minPerArm` is applied to the EXPECTED count per arm (the validity condition of the chi-square
 * approximation): applied to the observed count it would wave through the worst mismatch of all,
 * a treatment arm that gets no exposures.
 */
export function evaluateSrm(
  g: GuardrailOf<'srm'>,
  input: Extract<GuardrailInput, { kind: 'srm' }>,
  step: StepContext,
): Judgement {
  const share = step.percentage / 100;
  if (step.sinceStepStartMs !== undefined && step.sinceStepStartMs < g.srm.settle && share > 0 && share < 1) {
    return makeJudgement(g, 'inconclusive', 'settling after the step change', { limit: share });
  }
  const c = checkArmCounts(input.exposures, g.srm.metric);
  if (!c.ok) return notJudged(g, c);
  const { treatment: t, control: k } = c.value;
  const total = t + k;
  const evidence = {
    treatment: { n: t, estimate: total > 0 ? t / total : undefined },
    control: { n: k, estimate: total > 0 ? k / total : undefined },
    limit: share,
  };
  if (share >= 1 || share <= 0) {
    const status = (share >= 1 ? k : t) === 0 ? 'pass' : 'inconclusive';
    return makeJudgement(
      g,
      status,
      `${step.percentage} % has one arm only: no split to check (treatment ${fmtCount(t)}, control ${fmtCount(k)})`,
      evidence,
    );
  }
  if (g.srm.method === 'e-value') return srmByEValue(g, t, k, share, evidence);
  if (Math.min(total * share, total * (1 - share)) < g.srm.minPerArm) {
    return makeJudgement(
      g,
      'inconclusive',
      `${fmtCount(total)} exposures: fewer than ${g.srm.minPerArm} expected per arm`,
      evidence,
    );
  }
  const s = srmStatistic(t, k, share, step.plannedSamples, g.srm.pValue);
  const failed = s.chi2 > s.boundary;
  const reason =
    `treatment share ${fmtShare(t / total)} of ${fmtCount(total)} exposures vs ${fmtShare(share)} configured, ` +
    `chi2 ${fmtNumber(s.chi2)} ${failed ? '>' : '<='} ${fmtNumber(s.boundary)} (sequential boundary at ` +
    `p ${fmtP(g.srm.pValue)}; fixed-sample p=${fmtP(s.pValue)})` +
    (failed ? ': sample ratio mismatch, data untrustworthy' : '');
  return makeJudgement(g, failed ? 'fail' : 'pass', reason, {
    ...evidence,
    estimate: t / total,
    bound: s.boundary,
    pValue: s.pValue,
    alpha: g.srm.pValue,
  });
}

/** `method: e-value`: distinct users against the split by the exact e-value (srm-evalue.ts). */
function srmByEValue(
  g: GuardrailOf<'srm'>,
  t: number,
  k: number,
  share: number,
  evidence: Evidence,
): Judgement {
  const total = t + k;
  const logE = srmLogEValue(Math.round(t), Math.round(total), share);
  const failed = logE >= Math.log(1 / g.srm.pValue);
  const observed = total > 0 ? fmtShare(t / total) : 'none';
  const reason =
    `treatment share ${observed} of ${fmtCount(total)} exposed users vs ${fmtShare(share)} configured, ` +
    `e-value ${fmtNumber(Math.exp(logE))} ${failed ? '>=' : '<'} ${fmtNumber(1 / g.srm.pValue)}` +
    (failed ? ': sample ratio mismatch, data untrustworthy' : '');
  return makeJudgement(g, failed ? 'fail' : 'pass', reason, {
    ...evidence,
    estimate: total > 0 ? t / total : undefined,
    bound: Math.exp(logE),
    pValue: Math.min(1, Math.exp(-logE)),
    alpha: g.srm.pValue,
  });
}

/**
 * Chi-square statistic of counts t, k against shares share, 1 - share, its fixed-sample p-value, and
 * the always-valid boundary: the squared multiplier of a two-sided confidence sequence (pValue / 2
 * per side) over total exposures, tightest where treatment reaches `plannedSamples`.
 * Requires t + k > 0 and 0 < share < 1.
 */
export function srmStatistic(
  t: number,
  k: number,
  share: number,
  plannedSamples: number,
  pValue: number,
): { chi2: number; pValue: number; boundary: number } {
  const n = t + k;
  const expT = n * share;
  const expC = n * (1 - share);
  const chi2 = (t - expT) ** 2 / expT + (k - expC) ** 2 / expC;
  const m = csMultiplier(n, plannedSamples / share, pValue / 2);
  return { chi2, pValue: chiSquare1Sf(chi2), boundary: m * m };
}
