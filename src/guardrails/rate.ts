import { evaluateRate } from '../analysis/evaluate-rate.js';
import type { Measured } from '../analysis/guardrail-input.js';
import { rateHold } from '../analysis/hold-estimates.js';
import { type GuardrailKind, stepWindow } from './guardrail-kind.js';
import { countQuery, countsOf } from './guardrail-query.js';
import { peerNoData } from './peer-check.js';

/**
 * `rate`: events per exposure, treatment against control. Counted per step, each earlier step of
 * the run a stratum of the whole-run test.
 */
export const rateKind: GuardrailKind<'rate'> = {
  kind: 'rate',
  onFail: 'rollback',
  spendsAlpha: true,
  withoutControl: false,
  queries: (scope, g) => [
    { role: 'events', type: 'counts', query: countQuery(scope, g.rate.events, g.rate.matchers) },
    { role: 'per', type: 'counts', query: countQuery(scope, g.rate.per, g.rate.matchers) },
  ],
  window: (_g, t) => stepWindow(t),
  input: (_g, answers) => ({
    kind: 'rate',
    events: countsOf(answers, 'events'),
    per: countsOf(answers, 'per'),
  }),
  withEarlier: (input, strata) => ({
    ...input,
    earlier: strata.map((a) => ({ events: countsOf(a, 'events'), per: countsOf(a, 'per') })),
  }),
  failed: (_g, reason) => {
    const m: Measured<never> = { status: 'error', reason };
    return { kind: 'rate', events: m, per: m };
  },
  plan: (g, ctx) => rateHold(g, ctx),
  chart: { ratio: { of: 'events', per: 'per' }, unit: 'short' },
  evaluate: evaluateRate,
  peer: {
    set: 'all',
    // Treatment events/per <= maxRatio x control events/per over the interval.
    async check(g, { counts }) {
      const ev = await counts(g.rate.events, g.rate.matchers);
      const per = await counts(g.rate.per, g.rate.matchers);
      if (ev.kind === 'no-data') return peerNoData(g, ev);
      if (per.kind === 'no-data') return peerNoData(g, per);
      const t = ev.treatment / per.treatment;
      const c = ev.control / per.control;
      if (Number.isNaN(t) || Number.isNaN(c))
        return { status: 'nan', reason: `${g.name}: 0/0 in the interval` };
      const ok = t <= g.rate.maxRatio * c;
      return {
        status: ok ? 'pass' : 'fail',
        reason: `${g.name}: treatment ${t.toFixed(3)} vs ${g.rate.maxRatio} x control ${c.toFixed(3)}`,
      };
    },
  },
};
