import { canaryText } from '../analysis/users-plan.js';
import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import { guardrailAlpha } from './registry.js';

/**
 * What a valid spec allows but its declared population makes weak (printed by `validate`, never an
 * error): steps that reach less than one user, and the canary steps of each `users` guardrail.
 */
export function populationWarnings(spec: RolloutSpec): string[] {
  const population = spec.population;
  if (population === undefined) return [];
  const warnings: string[] = [];
  const empty = spec.steps.filter((p) => p < 100 && (population * p) / 100 < 1);
  if (empty.length > 0) {
    warnings.push(
      `${empty.map((p) => `${p} %`).join(', ')} of population ${population} is less than one user: ` +
        'nothing is compared there',
    );
  }
  const alpha = guardrailAlpha(spec);
  for (const g of spec.guardrails) {
    if (g.kind !== 'users' || g.users.proveSafe === 'off') continue;
    const text = canaryText(g, spec, alpha);
    if (text !== '') warnings.push(`guardrail ${g.name}: ${text}`);
  }
  return warnings;
}
