import type { GuardrailPlan } from '../guardrails/registry.js';
import { selector } from '../guardrails/registry.js';
import { table } from './format-table.js';

/**
 * The "Hold estimates" section of `rampart plan --traffic`: per guardrail, the metric selection the
 * traffic figure is taken for, and how long it is expected to hold a step.
 */
export function renderHolds(plans: readonly GuardrailPlan[], perMinute: number): string[] {
  const rows = [['guardrail', 'kind', 'traffic counted as', 'expected hold']];
  for (const p of plans) {
    const selects = p.selects.map((s) => selector(s.metric, s.matchers)).join(' per ') || '-';
    rows.push([p.guardrail, p.kind, selects, p.text]);
  }
  const assumptions = plans.filter((p) => p.assumes !== null).map((p) => `  ${p.guardrail}: ${p.assumes}`);
  return [
    '',
    `Hold estimates at ${perMinute}/min of each guardrail's metric (both arms), every guardrail healthy:`,
    table(rows),
    ...(assumptions.length > 0
      ? ['', 'Matchers select a subset; the estimates assume all the traffic matches:', ...assumptions]
      : []),
  ];
}
