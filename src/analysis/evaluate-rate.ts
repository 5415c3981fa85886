import type { GuardrailOf } from '../spec/rollout-spec-schema.js';
import { checkAlpha, checkArmCounts } from './checked-input.js';
import { csHalfWidth } from './confidence-sequence.js';
import { fmtCount, fmtNumber } from './format.js';
import type { GuardrailInput } from './guardrail-input.js';
import { makeVerdict, notJudged } from './make-verdict.js';
import type { StepContext } from './step-context.js';
import type { Verdict } from './verdict.js';

/** Pseudo events added to each arm (Haldane-Anscombe): keeps ln(rate) finite and its variance sane at 0 events. */
const PSEUDO_EVENTS = 0.5;

/**
 * Sequential bound of ln(treatment rate / control rate) under a Poisson model (delta method).
 * `n` of the confidence sequence is the treatment exposure count, in the same unit as plannedN.
 */
export function rateLowerBound(
  eventsT: number,
  perT: number,
  eventsC: number,
  perC: number,
  plannedN: number,
  alpha: number,
): { logRatio: number; se: number; lower: number } {
  const logRatio = Math.log((eventsT + PSEUDO_EVENTS) / perT) - Math.log((eventsC + PSEUDO_EVENTS) / perC);
  const se = Math.sqrt(1 / (eventsT + PSEUDO_EVENTS) + 1 / (eventsC + PSEUDO_EVENTS));
  return { logRatio, se, lower: logRatio - csHalfWidth(se, perT, plannedN, alpha) };
}

/**
 * `rate`: fail when the confidence sequence of (treatment events per exposure) / (control events per
 * exposure) lies wholly above maxRatio, i.e. treatment is proven worse by more than the factor.
 * This catches a logout loop (many logouts per login) that a success share cannot see.
 */
export function evaluateRate(
  g: GuardrailOf<'rate'>,
  input: Extract<GuardrailInput, { kind: 'rate' }>,
  step: StepContext,
  alpha: number,
): Verdict {
  const a = checkAlpha(alpha);
  if (!a.ok) return notJudged(g, a);
  const ev = checkArmCounts(input.events, g.rate.events);
  if (!ev.ok) return notJudged(g, ev);
  const per = checkArmCounts(input.per, g.rate.per);
  if (!per.ok) return notJudged(g, per);
  const { treatment: eT, control: eC } = ev.value;
  const { treatment: xT, control: xC } = per.value;
  const rT = xT > 0 ? eT / xT : undefined;
  const rC = xC > 0 ? eC / xC : undefined;
  const evidence = {
    treatment: { n: xT, events: eT, estimate: rT },
    control: { n: xC, events: eC, estimate: rC },
    limit: g.rate.maxRatio,
    alpha,
  };
  if (step.percentage >= 100 && xC === 0) {
    return makeVerdict(
      g,
      'inconclusive',
      `no control arm at ${step.percentage} %: nothing to compare`,
      evidence,
    );
  }
  if (rT === undefined)
    return makeVerdict(g, 'inconclusive', `no treatment ${g.rate.per} since step start`, evidence);
  if (rC === undefined)
    return makeVerdict(g, 'inconclusive', `no control ${g.rate.per} since step start`, evidence);

  const b = rateLowerBound(eT, xT, eC, xC, step.plannedSamples, alpha);
  const ratio = Math.exp(b.logRatio);
  const lower = Math.exp(b.lower);
  const failed = lower > g.rate.maxRatio;
  const reason =
    `treatment ${fmtNumber(rT)} ${g.rate.events}/${g.rate.per} (n=${fmtCount(xT)}) vs control ` +
    `${fmtNumber(rC)} (n=${fmtCount(xC)}), ratio ${fmtNumber(ratio)}, lower bound ${fmtNumber(lower)} ` +
    `${failed ? '>' : '<='} ${fmtNumber(g.rate.maxRatio)}`;
  return makeVerdict(g, failed ? 'fail' : 'pass', reason, { ...evidence, estimate: ratio, bound: lower });
}
