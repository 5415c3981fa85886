import { evaluateZero } from '../analysis/evaluate-zero.js';
import type { Measured } from '../analysis/guardrail-input.js';
import { zeroHold } from '../analysis/hold-estimates.js';
import type { GuardrailKind } from './guardrail-kind.js';
import { answerOf, countQuery, MISSING } from './guardrail-query.js';
import { peerNoData } from './peer-check.js';

/**
 * `zero`: a counter that must not increase, read per variant; its increase is treatment + control +
 * every unknown variant, because it must see every user.
 */
export const zeroKind: GuardrailKind<'zero'> = {
  kind: 'zero',
  onFail: 'rollback',
  spendsAlpha: false,
  withoutControl: true,
  queries: (scope, g) => [
    { role: 'increase', type: 'counts', query: countQuery(scope, g.zero.metric, g.zero.matchers) },
  ],
  /**
   * Since the run's first step. Stricter than since the step start (an event that became visible
   * only after a step change, e.g. across a scrape gap, is still seen), and any increase fails
   * anyway, so a longer window costs nothing on a healthy rollout; a person's resume starts a new
   * run, which is how a known, accepted event is cleared.
   */
  window: (_g, t) => ({
    since: t.runStart && t.runStart.getTime() < t.stepStartedAt.getTime() ? t.runStart : t.stepStartedAt,
  }),
  input: (_g, answers) => ({ kind: 'zero', increase: answerOf(answers, 'increase')?.sum ?? MISSING }),
  failed: (_g, reason) => {
    const m: Measured<never> = { status: 'error', reason };
    return { kind: 'zero', increase: m };
  },
  plan: (g, ctx) => zeroHold(g, ctx),
  evaluate: (g, input) => evaluateZero(g, input),
  peer: {
    set: 'limits',
    // Increase over the interval, all variants, <= 0.
    async check(g, { counts }) {
      const inc = await counts(g.zero.metric, g.zero.matchers);
      if (inc.kind === 'no-data') return peerNoData(g, inc);
      const n = inc.treatment + inc.control + Object.values(inc.unknown).reduce((a, b) => a + b, 0);
      return { status: n <= 0 ? 'pass' : 'fail', reason: `${g.name}: increase ${n} (max 0)` };
    },
  },
};
