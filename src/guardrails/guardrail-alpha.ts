import { alphaPerTest } from '../analysis/alpha.js';
import type { Guardrail, RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import { guardrailKind } from './registry.js';

/** How many of `guardrails` spend a share of the false-rollback budget (GuardrailKind.spendsAlpha). */
export function alphaSpendingGuardrails(guardrails: readonly Guardrail[]): number {
  return guardrails.filter((g) => guardrailKind(g.kind).spendsAlpha).length;
}

/** The alpha share of each alpha-spending guardrail of `spec` under ALPHA_RULE. */
export function guardrailAlpha(spec: Pick<RolloutSpec, 'alpha' | 'guardrails'>): number {
  return alphaPerTest(spec.alpha, alphaSpendingGuardrails(spec.guardrails));
}
