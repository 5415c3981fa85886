import { alphaPerTest } from '../analysis/alpha.js';
import type { HoldEstimate, PlanContext } from '../analysis/hold-estimates.js';
import type { Guardrail, LabelMatchers, RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import { compareKind } from './compare.js';
import type { GuardrailKind } from './guardrail-kind.js';
import type { GuardrailQuery, RolloutScope } from './guardrail-query.js';
import { promqlKind } from './promql.js';
import { rateKind } from './rate.js';
import { srmKind } from './srm.js';
import { thresholdKind } from './threshold.js';
import { usersKind } from './users.js';
import { zeroKind } from './zero.js';

/**
 * Every guardrail kind of the schema, keyed by its discriminant. The mapped type makes the compiler
 * reject a schema kind without an entry, and an entry serving another kind than its key.
 */
export const GUARDRAIL_REGISTRY: { readonly [K in Guardrail['kind']]: GuardrailKind<K> } = {
  compare: compareKind,
  rate: rateKind,
  threshold: thresholdKind,
  zero: zeroKind,
  srm: srmKind,
  promql: promqlKind,
  users: usersKind,
};

/**
 * The implementation of `kind`. Called with a `Guardrail`'s kind it is typed for the whole union;
 * pass that same guardrail to it (the lookup is by its own discriminant, so the pairing holds).
 */
export function guardrailKind<K extends Guardrail['kind']>(kind: K): GuardrailKind<K> {
  return GUARDRAIL_REGISTRY[kind];
}

/** The guardrails of `spec` that still judge at 100 % (no control arm): the ones a soak watches. */
export function soakGuardrails(spec: RolloutSpec): Guardrail[] {
  return spec.guardrails.filter((g) => guardrailKind(g.kind).withoutControl);
}

/** The guardrails of `spec` judged before its first step (GuardrailKind.preflight). */
export function preflightGuardrails(spec: RolloutSpec): Guardrail[] {
  return spec.guardrails.filter((g) => guardrailKind(g.kind).preflight === true);
}

/** The metric-source queries behind one guardrail (see GuardrailKind.queries). */
export function guardrailQueries(scope: RolloutScope, g: Guardrail): GuardrailQuery[] {
  return guardrailKind(g.kind).queries(scope, g);
}

/** One guardrail's line of `rampart plan --traffic`. */
export interface GuardrailPlan extends HoldEstimate {
  guardrail: string;
  kind: Guardrail['kind'];
  /** Set when matchers select a subset of the metric: the estimate assumes all the traffic matches. */
  assumes: string | null;
}

/** `metric{label="value",...}`, as the metric source selects it (the variant label comes on top). */
export function selector(metric: string, matchers: LabelMatchers): string {
  const labels = Object.entries(matchers).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return labels.length === 0 ? metric : `${metric}{${labels.join(',')}}`;
}

/** The hold estimate of every guardrail of the spec, each through its kind (see GuardrailKind.plan). */
export function guardrailPlans(input: Omit<PlanContext, 'alpha'>): GuardrailPlan[] {
  const ctx: PlanContext = { ...input, alpha: guardrailAlpha(input.spec) };
  return ctx.spec.guardrails.map((g) => {
    const estimate = guardrailKind(g.kind).plan?.(g, ctx) ?? {
      selects: [],
      seconds: null,
      text: 'not estimated: not a statistical guardrail',
    };
    const subsets = estimate.selects.filter((s) => Object.keys(s.matchers).length > 0);
    const assumes =
      subsets.length === 0
        ? null
        : `assumes all ${ctx.perMinute}/min match ${subsets.map((s) => selector(s.metric, s.matchers)).join(' and ')}`;
    return { guardrail: g.name, kind: g.kind, ...estimate, assumes };
  });
}

/** How many of `guardrails` spend a share of the false-rollback budget (GuardrailKind.spendsAlpha). */
export function alphaSpendingGuardrails(guardrails: readonly Guardrail[]): number {
  return guardrails.filter((g) => guardrailKind(g.kind).spendsAlpha).length;
}

/** The alpha share of each alpha-spending guardrail of `spec` under ALPHA_RULE. */
export function guardrailAlpha(spec: Pick<RolloutSpec, 'alpha' | 'guardrails'>): number {
  return alphaPerTest(spec.alpha, alphaSpendingGuardrails(spec.guardrails));
}
