import { evaluateUsers } from '../analysis/evaluate-users.js';
import type { Measured } from '../analysis/guardrail-input.js';
import { usersHold } from '../analysis/users-plan.js';
import { type GuardrailKind, stepWindow } from './guardrail-kind.js';
import { countQuery, countsOf } from './guardrail-query.js';

/**
 * `users`: distinct users with a bad outcome per distinct exposed user, treatment against control,
 * by exact anytime-valid e-processes whose evidence is carried across ticks and steps in the rollout
 * state (withMemory), so alpha holds for the whole run and a restart of rampart spends nothing
 * again. No peer check: the peers count requests, not users.
 */
export const usersKind: GuardrailKind<'users'> = {
  kind: 'users',
  onFail: 'rollback',
  spendsAlpha: true,
  withoutControl: false,
  chart: { ratio: { of: 'bad', per: 'exposed' }, unit: 'percentunit' },
  queries: (scope, g) => [
    { role: 'bad', type: 'counts', query: countQuery(scope, g.users.bad, g.users.matchers) },
    { role: 'exposed', type: 'counts', query: countQuery(scope, g.users.exposed) },
  ],
  window: (_g, t) => stepWindow(t),
  input: (_g, answers) => ({
    kind: 'users',
    bad: countsOf(answers, 'bad'),
    exposed: countsOf(answers, 'exposed'),
  }),
  withMemory: (input, memory) => ({ ...input, memory }),
  failed: (_g, reason) => {
    const m: Measured<never> = { status: 'error', reason };
    return { kind: 'users', bad: m, exposed: m };
  },
  plan: (g, ctx) => usersHold(g, ctx),
  evaluate: evaluateUsers,
};
