import { evaluatePromql } from '../analysis/evaluate-threshold.js';
import { type GuardrailKind, stepWindow } from './guardrail-kind.js';
import { answerOf, MISSING } from './guardrail-query.js';

/** `promql`: a raw PromQL expression over its own window ending now. No peer check: the simulator has no PromQL. */
export const promqlKind: GuardrailKind<'promql'> = {
  kind: 'promql',
  onFail: 'rollback',
  spendsAlpha: false,
  withoutControl: true,
  preflight: true,
  queries: (scope, g) => [
    {
      role: 'value',
      type: 'scalar',
      query: { kind: 'promql', query: g.promql.query, rollout: scope.name },
      windowMs: g.promql.window,
    },
  ],
  window: (_g, t) => stepWindow(t),
  input: (_g, answers) => ({ kind: 'promql', value: answerOf(answers, 'value')?.value ?? MISSING }),
  failed: (_g, reason) => ({ kind: 'promql', value: { status: 'error', reason } }),
  evaluate: (g, input) => evaluatePromql(g, input),
  sources: { types: ['prometheus'], why: 'raw promql guardrails need the prometheus metric source' },
};
