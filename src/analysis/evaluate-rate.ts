import type { GuardrailOf } from '../rollout-spec/rollout-spec-schema.js';
import { splitTestAlpha } from './alpha.js';
import { type Checked, checkAlpha, checkArmCounts, checkStrata } from './checked-input.js';
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
 * `compare`: a whole-run sequence (one stratum per step) and a current-step sequence, either
 * crossing fails (alpha split of ALPHA_RULE); at the step before 100 % the verdict is `inconclusive`
 * (holds, never rolls back) until the UPPER bound of the whole-run ratio, at the guardrail's full
 * alpha share, is below maxRatio (non-inferiority shown).
 */
export function evaluateRate(
  g: GuardrailOf<'rate'>,
  input: Extract<GuardrailInput, { kind: 'rate' }>,
  step: StepContext,
  alpha: number,
): Verdict {
  const a = checkAlpha(alpha);
  if (!a.ok) return notJudged(g, a);
  const strata = checkStrata({ events: input.events, per: input.per }, input.earlier, (s, where) =>
    checkStratum(g, s.events, s.per, where),
  );
  if (!strata.ok) return notJudged(g, strata);
  const { current, earlier } = strata.value;
  const { eventsT: eT, perT: xT, eventsC: eC, perC: xC } = current;
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
  const all = [...earlier, current];
  const split = splitTestAlpha(alpha, step.comparativeSteps);
  const b = stratifiedRateLower(all, step.plannedRunSamples, split.wholeRun);
  if (b === undefined) {
    const what = rT === undefined ? 'treatment' : 'control';
    return makeVerdict(g, 'inconclusive', `no ${what} ${g.rate.per} since step start`, evidence);
  }
  const max = g.rate.maxRatio;
  const latest = stratifiedRateLower([current], step.plannedSamples, split.currentStep);
  const wholeFailed = Math.exp(b.lower) > max;
  const latestFailed = latest !== undefined && Math.exp(latest.lower) > max;
  const here =
    rT !== undefined && rC !== undefined
      ? `treatment ${fmtNumber(rT)} ${g.rate.events}/${g.rate.per} (n=${fmtCount(xT)}) vs control ` +
        `${fmtNumber(rC)} (n=${fmtCount(xC)})`
      : `no ${rT === undefined ? 'treatment' : 'control'} ${g.rate.per}`;
  const bound = (x: RateBound) =>
    `ratio ${fmtNumber(Math.exp(x.logRatio))}, lower bound ${fmtNumber(Math.exp(x.lower))} ` +
    `${Math.exp(x.lower) > max ? '>' : '<='} ${fmtNumber(max)}`;
  // One stratum: both sequences see the same counts; show the one that crossed, if any.
  const first = latestFailed && !wholeFailed && latest !== undefined ? latest : b;
  const whole = `${here} this step; over ${b.strata} step(s) (treatment n=${fmtCount(b.n)}): ${bound(b)}`;
  const reason =
    earlier.length === 0
      ? `${here}, ${bound(first)}`
      : latest === undefined
        ? whole
        : `${whole}; this step alone: ${bound(latest)}`;
  const shown = latestFailed && !wholeFailed && latest !== undefined ? latest : b;
  const judged = {
    ...evidence,
    estimate: Math.exp(shown.logRatio),
    bound: Math.exp(shown.lower),
    strata: shown.strata,
  };
  if (wholeFailed || latestFailed) return makeVerdict(g, 'fail', reason, judged);
  if (!step.nextStepRemovesControl) return makeVerdict(g, 'pass', reason, judged);
  // Non-inferiority gate: the last look with a control arm. Spends no rollback alpha (it only holds).
  const gate = stratifiedRateLower(all, step.plannedRunSamples, alpha);
  const upper = gate === undefined ? Number.POSITIVE_INFINITY : Math.exp(2 * gate.logRatio - gate.lower);
  if (!(upper < max)) {
    return makeVerdict(
      g,
      'inconclusive',
      `non-inferiority not shown yet before 100 % (upper bound ${fmtNumber(upper)} >= ${fmtNumber(max)}); ` +
        `holding; ${reason}`,
      { ...judged, bound: upper },
    );
  }
  return makeVerdict(
    g,
    'pass',
    `${reason}; non-inferiority shown before 100 % (upper bound ${fmtNumber(upper)} < ${fmtNumber(max)})`,
    judged,
  );
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
