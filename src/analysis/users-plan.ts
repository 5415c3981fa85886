import type { GuardrailOf } from '../rollout-spec/rollout-spec-schema.js';
import type { HoldEstimate, PlanContext } from './hold-estimates.js';
import { SAFE_GRID } from './user-eprocess.js';

/** Control share of users with the bad outcome the plan assumes when the guardrail names none. */
const DEFAULT_BASELINE = 0.02;

/** What a `users` guardrail can show at one step of the plan. */
interface UsersStepPlan {
  percentage: number;
  /** Treatment users expected in the step (capped by the population, when known). */
  treatmentUsers: number;
  /** Minutes from the step start until non-inferiority is shown; undefined: not at this traffic. */
  minutes: number | undefined;
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
 * The steps below 100 % at the planned arrival rate of exposed users (ctx.perMinute, both arms) with
 * the control rate `baseline` in both arms: when the run's safe e-value is expected to reach
 * 1/alpha, the mixture counted as its best grid point less log(grid size). With a known population
 * a step sees at most that many distinct users, however long it lasts.
 */
function usersStepPlans(g: GuardrailOf<'users'>, ctx: PlanContext): UsersStepPlan[] {
  const b = g.users.baseline ?? DEFAULT_BASELINE;
  const need = Math.log(1 / ctx.alpha) + Math.log(SAFE_GRID.length);
  const bakeMin = ctx.spec.bake / 60_000;
  const cap = ctx.spec.population ?? Number.POSITIVE_INFINITY;
  let carried = 0;
  const plans: UsersStepPlan[] = [];
  for (const p of ctx.spec.steps) {
    if (p <= 0 || p >= 100) continue;
    const s = p / 100;
    const perEventDrift = driftPerEvent(s, g.users.maxRatio);
    const usersBy = (min: number) => Math.min(cap, ctx.perMinute * min);
    const gainBy = (min: number) => usersBy(min) * b * perEventDrift;
    const left = need - carried;
    let minutes: number | undefined;
    if (left <= 0) minutes = 0;
    else if (perEventDrift > 0 && ctx.perMinute > 0) {
      const m = left / (ctx.perMinute * b * perEventDrift);
      minutes = usersBy(m) < ctx.perMinute * m ? undefined : m;
    }
    plans.push({ percentage: p, treatmentUsers: Math.min(cap, ctx.perMinute * bakeMin) * s, minutes });
    carried += gainBy(Math.max(bakeMin, minutes ?? bakeMin));
  }
  return plans;
}

/** `users`: where the non-inferiority gate holds and how long, at the planned traffic. */
export function usersHold(g: GuardrailOf<'users'>, ctx: PlanContext): HoldEstimate {
  const selects = [{ metric: g.users.exposed, matchers: { ...ctx.spec.matchers } }];
  if (g.users.proveSafe === 'off')
    return { selects, seconds: 0, text: 'never holds: harm detection only (proveSafe: off)' };
  const all = usersStepPlans(g, ctx);
  const gated = g.users.proveSafe === 'each-step' ? all : all.slice(-1);
  const bakeMin = ctx.spec.bake / 60_000;
  const never = gated.filter((s) => s.minutes === undefined);
  const few = all.filter((s) => s.treatmentUsers < 1).map((s) => `${s.percentage} %`);
  const small = few.length > 0 ? `; under one treatment user expected at ${few.join(', ')}` : '';
  if (never.length > 0) {
    const at = never.map((s) => `${s.percentage} %`).join(', ');
    return {
      selects,
      seconds: null,
      text:
        `holds at ${at} forever: too few users to show the rate below ${g.users.maxRatio}x at this ` +
        `traffic${ctx.spec.population ? ` and population ${ctx.spec.population}` : ''} ` +
        `(proveSafe: before-full or off accepts that risk)${small}`,
    };
  }
  const worst = gated.reduce((a, s) => ((s.minutes ?? 0) > (a?.minutes ?? -1) ? s : a), gated[0]);
  if (!worst) return { selects, seconds: null, text: 'no step before 100 % to gate' };
  const m = worst.minutes ?? 0;
  const past = m > bakeMin ? `${Math.ceil(m - bakeMin)} min past the bake` : 'within the bake';
  return {
    selects,
    seconds: m * 60,
    text: `longest hold at ${worst.percentage} %: shown below ${g.users.maxRatio}x after ~${Math.max(1, Math.ceil(m))} min (${past})${small}`,
  };
}
