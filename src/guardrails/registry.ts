import type { Guardrail, RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import { compareKind } from './compare.js';
import type { GuardrailKind } from './guardrail-kind.js';
import type { GuardrailQuery, RolloutScope } from './guardrail-query.js';
import { promqlKind } from './promql.js';
import { rateKind } from './rate.js';
import { srmKind } from './srm.js';
import { thresholdKind } from './threshold.js';
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

/** The metric-source queries behind one guardrail (see GuardrailKind.queries). */
export function guardrailQueries(scope: RolloutScope, g: Guardrail): GuardrailQuery[] {
  return guardrailKind(g.kind).queries(scope, g);
}
