import { evaluateSrm } from '../analysis/evaluate-srm.js';
import type { Measured } from '../analysis/guardrail-input.js';
import { srmHold } from '../analysis/hold-estimates.js';
import type { GuardrailKind } from './guardrail-kind.js';
import { countQuery, countsOf } from './guardrail-query.js';

/**
 * `srm`: exposures per arm against the configured split. No peer check: the peers have no
 * sample-ratio test.
 */
export const srmKind: GuardrailKind<'srm'> = {
  kind: 'srm',
  onFail: 'pause',
  spendsAlpha: false,
  withoutControl: false,
  queries: (scope, g) => [
    { role: 'exposures', type: 'counts', query: countQuery(scope, g.srm.metric, g.srm.matchers) },
  ],
  /**
   * The current step from `settle` after its start; before that it is not queried and the analysis
   * says it is settling. The split under test is the current one, so it stays per step.
   */
  window: (g, t) => {
    const since = new Date(t.stepStartedAt.getTime() + g.srm.settle);
    if (since.getTime() <= t.now.getTime()) return { since };
    const settling: Measured<never> = { status: 'no-data', reason: 'settling after the step change' };
    return { notYet: { kind: 'srm', exposures: settling } };
  },
  input: (_g, answers) => ({ kind: 'srm', exposures: countsOf(answers, 'exposures') }),
  failed: (_g, reason) => ({ kind: 'srm', exposures: { status: 'error', reason } }),
  plan: (g, ctx) => srmHold(g, ctx),
  evaluate: (g, input, step) => evaluateSrm(g, input, step),
};
