import type { GuardrailOf } from '../rollout-spec/rollout-spec-schema.js';
import { type Checked, checkArmCounts } from './checked-input.js';
import { fmtCount, fmtNumber } from './format.js';
import type { ArmCounts, GuardrailInput, Measured, RateStratumInput } from './guardrail-input.js';
import { type RateBound, type RateCounts, stratifiedRateLower } from './rate-log-ratio.js';
import type { StepContext } from './step-context.js';
import { type TwoArmTest, twoArmTest } from './two-arm-test.js';
import type { Judgement } from './verdict.js';

/**
 * `rate`: fail when the confidence sequence of (treatment events per exposure) / (control events per
 * exposure) lies wholly above maxRatio, i.e. treatment is proven worse by more than the factor.
 * This catches a logout loop (many logouts per login) that a success share cannot see. Like
 * `compare` (both run by twoArmTest): a whole-run sequence (one stratum per step, rate-log-ratio.ts)
 * and a current-step sequence, either crossing fails (alpha split of ALPHA_RULE); at the step before
 * 100 % the verdict is `inconclusive` (holds, never rolls back) until the UPPER bound of the
 * whole-run ratio, at the guardrail's full alpha share, is below maxRatio (non-inferiority shown).
 */
export function evaluateRate(
  g: GuardrailOf<'rate'>,
  input: Extract<GuardrailInput, { kind: 'rate' }>,
  step: StepContext,
  alpha: number,
): Judgement {
  return twoArmTest(g, rateTest(g), { events: input.events, per: input.per }, input.earlier, step, alpha);
}

function rateTest(g: GuardrailOf<'rate'>): TwoArmTest<RateStratumInput, RateCounts, RateBound> {
  const max = g.rate.maxRatio;
  const bound = (x: RateBound) =>
    `ratio ${fmtNumber(Math.exp(x.logRatio))}, lower bound ${fmtNumber(Math.exp(x.lower))} ` +
    `${Math.exp(x.lower) > max ? '>' : '<='} ${fmtNumber(max)}`;
  return {
    limit: max,
    unit: g.rate.per,
    check: (s, where) => checkStratum(g, s.events, s.per, where),
    arms: (c) => ({ treatment: { n: c.perT, events: c.eventsT }, control: { n: c.perC, events: c.eventsC } }),
    describeArms: (t, c) =>
      `treatment ${fmtNumber(t.estimate)} ${g.rate.events}/${g.rate.per} (n=${fmtCount(t.n)}) vs control ` +
      `${fmtNumber(c.estimate)} (n=${fmtCount(c.n)})`,
    wholeRun: (all, step, alpha) => stratifiedRateLower(all, step.plannedRunSamples, alpha),
    currentStep: (current, step, alpha) => stratifiedRateLower([current], step.plannedSamples, alpha),
    crosses: (b) => Math.exp(b.lower) > max,
    describe: (b) => bound(b),
    judged: (b) => ({ estimate: Math.exp(b.logRatio), bound: Math.exp(b.lower) }),
    gate: (all, step, alpha) => {
      const gate = stratifiedRateLower(all, step.plannedRunSamples, alpha);
      const upper = gate === undefined ? Number.POSITIVE_INFINITY : Math.exp(2 * gate.logRatio - gate.lower);
      const shown = upper < max;
      return {
        shown,
        bound: upper,
        text: `upper bound ${fmtNumber(upper)} ${shown ? '<' : '>='} ${fmtNumber(max)}`,
      };
    },
  };
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
