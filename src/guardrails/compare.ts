import { evaluateCompare } from '../analysis/evaluate-compare.js';
import type { Measured } from '../analysis/guardrail-input.js';
import { compareHold } from '../analysis/hold-estimates.js';
import { type GuardrailKind, stepWindow } from './guardrail-kind.js';
import { countQuery, countsOf } from './guardrail-query.js';
import { peerNoData } from './peer-check.js';

/**
 * `compare`: share of good events, treatment against control. Counted per step, each earlier step
 * of the run a stratum of the whole-run test.
 */
export const compareKind: GuardrailKind<'compare'> = {
  kind: 'compare',
  onFail: 'rollback',
  spendsAlpha: true,
  plannedMaxDrop: (g) => g.compare.maxDrop,
  withoutControl: false,
  queries: (scope, g) => [
    {
      role: 'good',
      type: 'counts',
      query: countQuery(scope, g.compare.metric, g.compare.matchers, g.compare.good),
    },
    { role: 'total', type: 'counts', query: countQuery(scope, g.compare.metric, g.compare.matchers) },
  ],
  window: (_g, t) => stepWindow(t),
  input: (_g, answers) => ({
    kind: 'compare',
    good: countsOf(answers, 'good'),
    total: countsOf(answers, 'total'),
  }),
  withEarlier: (input, strata) => ({
    ...input,
    earlier: strata.map((a) => ({ good: countsOf(a, 'good'), total: countsOf(a, 'total') })),
  }),
  failed: (_g, reason) => {
    const m: Measured<never> = { status: 'error', reason };
    return { kind: 'compare', good: m, total: m };
  },
  plan: (g, ctx) => compareHold(g, ctx),
  chart: { ratio: { of: 'good', per: 'total' }, unit: 'percentunit' },
  evaluate: evaluateCompare,
  peer: {
    set: 'all',
    // Treatment success ratio >= control success ratio - maxDrop over the interval.
    async check(g, { counts }) {
      const good = await counts(g.compare.metric, g.compare.matchers, g.compare.good);
      const total = await counts(g.compare.metric, g.compare.matchers);
      if (good.kind === 'no-data') return peerNoData(g, good);
      if (total.kind === 'no-data') return peerNoData(g, total);
      const t = good.treatment / total.treatment;
      const c = good.control / total.control;
      if (Number.isNaN(t) || Number.isNaN(c))
        return { status: 'nan', reason: `${g.name}: 0/0 in the interval` };
      const ok = t >= c - g.compare.maxDrop;
      return {
        status: ok ? 'pass' : 'fail',
        reason: `${g.name}: treatment ${t.toFixed(3)} vs control ${c.toFixed(3)} - ${g.compare.maxDrop}`,
      };
    },
  },
};
