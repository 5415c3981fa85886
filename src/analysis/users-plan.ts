import type { GuardrailOf } from '../rollout-spec/rollout-spec-schema.js';
import { CANARY_COVERAGE, canaryCoverage } from './canary-wait.js';
import type { HoldEstimate, PlanContext } from './hold-estimates.js';
import { SAFE_GRID } from './user-eprocess.js';

/** Control share of users with the bad outcome the plan assumes when the guardrail names none. */
export const DEFAULT_BASELINE = 0.02;

/** What a `users` guardrail can show at one step of the plan. */
interface UsersStepPlan {
  percentage: number;
  /** Treatment users expected in the step (capped by the population, when known). */
  treatmentUsers: number;
  /** Minutes from the step start until non-inferiority is shown; undefined: not at this traffic. */
  minutes: number | undefined;
  /** Whether the gate holds this step (proveSafe, not a canary step). */
  gated: boolean;
  /** Not shown before the population is spent: `minutes` is then the time to see everyone. */
  spent: boolean;
  /** A canary step that waits to see CANARY_COVERAGE of the population: `minutes` is that time. */
  canaryWait: boolean;
}

/**
 * Expected log safe e-value gained per bad user when the flag does nothing (theta = 1) at treatment
 * share s: the drift of the best grid point, E[log LR_j] = s log(q_j/q0) + (1-s) log((1-q_j)/(1-q0)).
 */
function driftPerEvent(s: number, rho: number): number {
  const q0 = (rho * s) / (rho * s + 1 - s);
  let best = 0;
  for (const m of SAFE_GRID) {
    const q = (m * rho * s) / (m * rho * s + 1 - s);
    best = Math.max(best, s * Math.log(q / q0) + (1 - s) * Math.log((1 - q) / (1 - q0)));
  }
  return best;
}

/**
 * Indices of the steps below 100 % whose non-inferiority gate cannot be met even if the whole declared
 * `population` passes through every step up to it (at the guardrail's baseline, no effect): canary
 * steps. Their gate does not hold (the harm e-processes still roll back); `plan` and `validate` name
 * them. Without a declared population rampart cannot know, so none is a canary and the gate holds.
 */
export function canarySteps(
  g: GuardrailOf<'users'>,
  spec: { steps: readonly number[]; population?: number | undefined },
  alpha: number,
): number[] {
  if (spec.population === undefined) return [];
  const need = Math.log(1 / alpha) + Math.log(SAFE_GRID.length);
  const perStep = spec.population * (g.users.baseline ?? DEFAULT_BASELINE);
  let reachable = 0;
  const canary: number[] = [];
  spec.steps.forEach((p, i) => {
    if (p <= 0 || p >= 100) return;
    reachable += perStep * driftPerEvent(p / 100, g.users.maxRatio);
    if (reachable < need) canary.push(i);
  });
  return canary;
}

/**
 * Whether the gate can no longer be met in this step: even if every user of the declared population
 * not yet seen in the step arrives, at the baseline rate, the safe e-value stays below 1/alpha.
 * The step then advances as a canary (harm tests only) instead of holding forever.
 */
export function safeOutOfReach(
  g: GuardrailOf<'users'>,
  population: number | undefined,
  share: number,
  logSafe: number,
  exposedInStep: number,
  alpha: number,
): boolean {
  if (population === undefined || share <= 0 || share >= 1) return false;
  // Adverse evidence never releases a step: a real harm beyond the margin drives the safe e-value
  // down without bound, and "it can no longer be shown safe" would then advance exactly the steps
  // that hurt users. Such a step holds until the harm e-process rolls it back.
  if (logSafe < 0) return false;
  const remaining = Math.max(0, population - exposedInStep);
  const gain = remaining * (g.users.baseline ?? DEFAULT_BASELINE) * driftPerEvent(share, g.users.maxRatio);
  return logSafe + gain < Math.log(1 / alpha);
}

/**
 * The steps below 100 % at the planned arrival rate of exposed users (ctx.perMinute, both arms) with
 * the control rate `baseline` in both arms: when the run's safe e-value is expected to reach
 * 1/alpha, the mixture counted as its best grid point less log(grid size). A step lasts its bake,
 * or until the gate is met where it is gated; its evidence carries into the next. With a known
 * population a step sees at most that many distinct users, however long it lasts.
 */
function usersStepPlans(g: GuardrailOf<'users'>, ctx: PlanContext): UsersStepPlan[] {
  const b = g.users.baseline ?? DEFAULT_BASELINE;
  const need = Math.log(1 / ctx.alpha) + Math.log(SAFE_GRID.length);
  const bakeMin = ctx.spec.bake / 60_000;
  const cap = ctx.spec.population ?? Number.POSITIVE_INFINITY;
  const canary = canarySteps(g, ctx.spec, ctx.alpha);
  const lastComparative = ctx.spec.steps.findLastIndex((p) => p > 0 && p < 100);
  let carried = 0;
  const plans: UsersStepPlan[] = [];
  ctx.spec.steps.forEach((p, i) => {
    if (p <= 0 || p >= 100) return;
    const s = p / 100;
    const gainPerMin = ctx.perMinute * b * driftPerEvent(s, g.users.maxRatio);
    const gainBy = (min: number) => (Math.min(cap, ctx.perMinute * min) / ctx.perMinute) * gainPerMin;
    const left = need - carried;
    let minutes: number | undefined;
    let spent = false;
    if (left <= 0) minutes = 0;
    else if (gainPerMin > 0) {
      const m = left / gainPerMin;
      // A population smaller than the users the step needs never gets there: the step holds until
      // it has seen everyone, then advances as a canary (safeOutOfReach).
      spent = ctx.perMinute * m > cap;
      minutes = spent ? cap / ctx.perMinute : m;
    }
    const byPolicy =
      g.users.proveSafe === 'each-step' || (g.users.proveSafe === 'before-full' && i === lastComparative);
    const isCanary = canary.includes(i);
    const gated = byPolicy && !isCanary;
    // A gated canary step waits to see CANARY_COVERAGE of the population instead (evaluateUsers).
    const canaryWait = byPolicy && isCanary;
    if (canaryWait) {
      // The first of: the population seen, canaryMaxWait (power is not modelled here: a plan
      // errs on the longer wait).
      minutes = Math.min(
        canaryCoverage(ctx.spec.population) / ctx.perMinute,
        ctx.spec.canaryMaxWait / 60_000,
      );
      spent = false;
    }
    plans.push({
      percentage: p,
      treatmentUsers: Math.min(cap, ctx.perMinute * bakeMin) * s,
      minutes,
      gated: gated || canaryWait,
      spent,
      canaryWait,
    });
    carried += gainBy((gated || canaryWait) && minutes !== undefined ? Math.max(bakeMin, minutes) : bakeMin);
  });
  return plans;
}

/** The canary steps of a `users` guardrail in words, or '' when there are none. */
export function canaryText(g: GuardrailOf<'users'>, spec: PlanContext['spec'], alpha: number): string {
  const pop = spec.population ?? 0;
  const canary = canarySteps(g, spec, alpha).map((i) => {
    const p = spec.steps[i] ?? 0;
    return `${p} % (~${Math.round((pop * p) / 100)} treatment users)`;
  });
  if (canary.length === 0) return '';
  return (
    `canary step(s) ${canary.join(', ')}: population ${spec.population} is too small to show the rate ` +
    `below ${g.users.maxRatio}x there, so they advance on the harm tests alone, once ${CANARY_COVERAGE * 100} % of ` +
    `the population was seen in the step where proveSafe gates it (all of canaryMaxWait while its harm ` +
    `e-value is above 1)`
  );
}

/** `users`: where the non-inferiority gate holds and how long, at the planned traffic. */
export function usersHold(g: GuardrailOf<'users'>, ctx: PlanContext): HoldEstimate {
  const selects = [{ metric: g.users.exposed, matchers: { ...ctx.spec.matchers } }];
  if (g.users.proveSafe === 'off')
    return { selects, seconds: 0, text: 'never holds: harm detection only (proveSafe: off)' };
  const all = usersStepPlans(g, ctx);
  const gated = all.filter((s) => s.gated);
  const perStep = all.map((s) => {
    const users = `${s.percentage} %: ${Math.round(s.treatmentUsers)} treatment users per bake`;
    if (!s.gated) return `${users}, not gated`;
    if (s.minutes === undefined) return `${users}, never shown at this traffic`;
    const m = Math.max(1, Math.ceil(s.minutes));
    if (s.canaryWait)
      return `${users}, a canary: waits to see ${CANARY_COVERAGE * 100} % of the population, canaryMaxWait at most (~${m} min)`;
    return s.spent
      ? `${users}, not shown before its population is spent (~${m} min), then a canary`
      : `${users}, shown after ~${m} min`;
  });
  const notes = [canaryText(g, ctx.spec, ctx.alpha), `per step: ${perStep.join('; ')}`];
  const tail = notes.filter((n) => n !== '').join('. ');
  const never = gated.filter((s) => s.minutes === undefined);
  if (never.length > 0) {
    const at = never.map((s) => `${s.percentage} %`).join(', ');
    return {
      selects,
      seconds: null,
      text:
        `holds at ${at} until the rate is shown below ${g.users.maxRatio}x: not expected at this traffic ` +
        `(declare population, or proveSafe: before-full | off). ${tail}`,
    };
  }
  const worst = gated.reduce<UsersStepPlan | undefined>(
    (a, s) => (a === undefined || (s.minutes ?? 0) > (a.minutes ?? 0) ? s : a),
    undefined,
  );
  if (!worst) return { selects, seconds: 0, text: `no step gated. ${tail}` };
  const m = worst.minutes ?? 0;
  const bakeMin = ctx.spec.bake / 60_000;
  const past = m > bakeMin ? `${Math.ceil(m - bakeMin)} min past the bake` : 'within the bake';
  return {
    selects,
    seconds: m * 60,
    text: `longest hold at ${worst.percentage} %: ${worst.canaryWait ? `a canary, ${CANARY_COVERAGE * 100} % of the population seen` : `below ${g.users.maxRatio}x shown`} after ~${Math.max(1, Math.ceil(m))} min (${past}). ${tail}`,
  };
}
