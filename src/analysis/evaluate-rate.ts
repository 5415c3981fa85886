import type { GuardrailOf } from '../spec/rollout-spec-schema.js';
import { type Checked, checkAlpha, checkArmCounts } from './checked-input.js';
import { csHalfWidth } from './confidence-sequence.js';
import { fmtCount, fmtNumber } from './format.js';
import type { ArmCounts, GuardrailInput, Measured } from './guardrail-input.js';
import { makeVerdict, notJudged } from './make-verdict.js';
import type { StepContext } from './step-context.js';
import { combineStrata, type StratumEstimate } from './stratified.js';
import type { Verdict } from './verdict.js';

/** Pseudo events added to each arm (Haldane-Anscombe): keeps ln(rate) finite and its variance sane at 0 events. */
const PSEUDO_EVENTS = 0.5;

/** Events and exposures per arm in one stratum (one step's window). */
export interface RateCounts {
  eventsT: number;
  perT: number;
  eventsC: number;
  perC: number;
}

export interface RateBound {
  /** ln(treatment rate / control rate), inverse-variance mean over strata. */
  logRatio: number;
  se: number;
  lower: number;
  strata: number;
  /** Treatment exposures over the strata used: the sample clock of the sequence. */
  n: number;
}

/** One stratum's log rate ratio and its delta-method variance; undefined when an arm has no exposures. */
export function rateStratum(c: RateCounts): StratumEstimate | undefined {
  if (!(c.perT > 0 && c.perC > 0)) return undefined;
  return {
    estimate: Math.log((c.eventsT + PSEUDO_EVENTS) / c.perT) - Math.log((c.eventsC + PSEUDO_EVENTS) / c.perC),
    variance: 1 / (c.eventsT + PSEUDO_EVENTS) + 1 / (c.eventsC + PSEUDO_EVENTS),
    n: c.perT,
  };
}

/**
 * Sequential lower bound of ln(treatment rate / control rate) under a Poisson model (delta method),
 * stratified over the steps of the rollout run (see stratified.ts). `n` of the confidence sequence
 * is the treatment exposure count over all strata, in the same unit as plannedN.
 */
export function stratifiedRateLower(
  strata: readonly RateCounts[],
  plannedN: number,
  alpha: number,
): RateBound | undefined {
  const c = combineStrata(strata.flatMap((s) => rateStratum(s) ?? []));
  if (c === undefined) return undefined;
  const lower = c.estimate - csHalfWidth(c.se, c.n, plannedN, alpha);
  return { logRatio: c.estimate, se: c.se, lower, strata: c.strata, n: c.n };
}

/** The bound of one stratum; perT > 0 and perC > 0 are the caller's. */
export function rateLowerBound(
  eventsT: number,
  perT: number,
  eventsC: number,
  perC: number,
  plannedN: number,
  alpha: number,
): { logRatio: number; se: number; lower: number } {
  const b = stratifiedRateLower([{ eventsT, perT, eventsC, perC }], plannedN, alpha);
  if (b === undefined) throw new Error('rateLowerBound needs exposures in both arms');
  return b;
}

/**
 * `rate`: fail when the confidence sequence of (treatment events per exposure) / (control events per
 * exposure) lies wholly above maxRatio, i.e. treatment is proven worse by more than the factor.
 * This catches a logout loop (many logouts per login) that a success share cannot see. Like
 * `compare`, the test spans the rollout run with one stratum per step.
 */
export function evaluateRate(
  g: GuardrailOf<'rate'>,
  input: Extract<GuardrailInput, { kind: 'rate' }>,
  step: StepContext,
  alpha: number,
): Verdict {
  const a = checkAlpha(alpha);
  if (!a.ok) return notJudged(g, a);
  const current = checkStratum(g, input.events, input.per);
  if (!current.ok) return notJudged(g, current);
  const earlier: RateCounts[] = [];
  for (const [i, s] of (input.earlier ?? []).entries()) {
    const c = checkStratum(g, s.events, s.per, ` (earlier step ${i + 1})`);
    if (!c.ok) return notJudged(g, c);
    earlier.push(c.value);
  }
  const { eventsT: eT, perT: xT, eventsC: eC, perC: xC } = current.value;
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
  const b = stratifiedRateLower([...earlier, current.value], step.plannedSamples, alpha);
  if (b === undefined) {
    const what = rT === undefined ? 'treatment' : 'control';
    return makeVerdict(g, 'inconclusive', `no ${what} ${g.rate.per} since step start`, evidence);
  }
  const ratio = Math.exp(b.logRatio);
  const lower = Math.exp(b.lower);
  const failed = lower > g.rate.maxRatio;
  const limit = `lower bound ${fmtNumber(lower)} ${failed ? '>' : '<='} ${fmtNumber(g.rate.maxRatio)}`;
  const here =
    rT !== undefined && rC !== undefined
      ? `treatment ${fmtNumber(rT)} ${g.rate.events}/${g.rate.per} (n=${fmtCount(xT)}) vs control ` +
        `${fmtNumber(rC)} (n=${fmtCount(xC)})`
      : `no ${rT === undefined ? 'treatment' : 'control'} ${g.rate.per}`;
  const reason =
    earlier.length === 0
      ? `${here}, ratio ${fmtNumber(ratio)}, ${limit}`
      : `${here} this step; over ${b.strata} step(s) (treatment n=${fmtCount(b.n)}): ` +
        `ratio ${fmtNumber(ratio)}, ${limit}`;
  return makeVerdict(g, failed ? 'fail' : 'pass', reason, {
    ...evidence,
    estimate: ratio,
    bound: lower,
    strata: b.strata,
  });
}

function checkStratum(
  g: GuardrailOf<'rate'>,
  eventsM: Measured<ArmCounts>,
  perM: Measured<ArmCounts>,
  where = '',
): Checked<RateCounts> {
  const ev = checkArmCounts(eventsM, `${g.rate.events}${where}`);
  if (!ev.ok) return ev;
  const per = checkArmCounts(perM, `${g.rate.per}${where}`);
  if (!per.ok) return per;
  return {
    ok: true,
    value: {
      eventsT: ev.value.treatment,
      perT: per.value.treatment,
      eventsC: ev.value.control,
      perC: per.value.control,
    },
  };
}
