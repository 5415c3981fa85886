import type { PowerPlanBasis } from '../analysis/power-plan.js';
import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import { guardrailAlpha, guardrailKind } from './registry.js';

/**
 * What the power plan of `spec` needs from its guardrails' kinds: the alpha share of each spender and
 * the strictest (smallest) drop any guardrail allows, the one a plan must be able to see.
 */
export function powerPlanBasis(spec: Pick<RolloutSpec, 'alpha' | 'guardrails'>): PowerPlanBasis {
  const drops = spec.guardrails.flatMap((g) => {
    const drop = guardrailKind(g.kind).plannedMaxDrop?.(g);
    return drop === undefined ? [] : [drop];
  });
  return { alpha: guardrailAlpha(spec), maxDrop: drops.length > 0 ? Math.min(...drops) : undefined };
}
