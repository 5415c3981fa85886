import { evaluateThreshold } from '../analysis/evaluate-threshold.js';
import type { Measured } from '../analysis/guardrail-input.js';
import { thresholdHold } from '../analysis/hold-estimates.js';
import { MetricSourceError } from '../errors/metric-source-error.js';
import type { ScalarQuery } from '../metric-sources/metric-source.js';
import { type GuardrailKind, stepWindow } from './guardrail-kind.js';
import { answerOf, MISSING } from './guardrail-query.js';

/** `threshold`: a ratio or scalar over its own window ending now, within [min, max]. */
export const thresholdKind: GuardrailKind<'threshold'> = {
  kind: 'threshold',
  onFail: 'rollback',
  spendsAlpha: false,
  withoutControl: true,
  preflight: true,
  queries: (scope, g) => {
    const { ratio, scalar, window } = g.threshold;
    if (ratio) {
      const matchers = { ...scope.matchers, ...ratio.matchers };
      const query: ScalarQuery = { kind: 'ratio', metric: ratio.metric, good: ratio.good, matchers };
      return [{ role: 'value', type: 'scalar', query, windowMs: window }];
    }
    if (scalar) {
      const matchers = { ...scope.matchers, ...scalar.matchers };
      const query: ScalarQuery = { kind: 'scalar', metric: scalar.metric, matchers, fn: scalar.fn };
      return [{ role: 'value', type: 'scalar', query, windowMs: window }];
    }
    throw new MetricSourceError(
      'unsupported_query',
      `guardrail ${g.name}: threshold needs either ratio or scalar`,
    );
  },
  window: (_g, t) => stepWindow(t),
  input: (_g, answers) => ({
    kind: 'threshold',
    value: answerOf(answers, 'value')?.value ?? MISSING,
    events: answerOf(answers, 'value')?.events ?? MISSING,
  }),
  failed: (_g, reason) => {
    const m: Measured<never> = { status: 'error', reason };
    return { kind: 'threshold', value: m, events: m };
  },
  plan: (g, ctx) => thresholdHold(g, ctx),
  evaluate: (g, input) => evaluateThreshold(g, input),
  peer: {
    set: 'limits',
    // The ratio or scalar over its own window within [min, max] (no minEvents).
    async check(g, { source, scope, now }) {
      const { ratio, scalar, window, min, max } = g.threshold;
      const query = ratio
        ? {
            kind: 'ratio' as const,
            metric: ratio.metric,
            good: ratio.good,
            matchers: { ...scope.matchers, ...ratio.matchers },
          }
        : scalar
          ? {
              kind: 'scalar' as const,
              metric: scalar.metric,
              fn: scalar.fn,
              matchers: { ...scope.matchers, ...scalar.matchers },
            }
          : undefined;
      if (!query) return undefined;
      const v = await source.scalar(query, window, now);
      if (v.kind === 'no-data')
        return {
          status: ratio && /0\/0/.test(v.reason) ? 'nan' : 'no-data',
          reason: `${g.name}: ${v.reason}`,
        };
      const ok = (min === undefined || v.value >= min) && (max === undefined || v.value <= max);
      return {
        status: ok ? 'pass' : 'fail',
        reason: `${g.name}: ${v.value.toFixed(3)} in [${min ?? '-inf'}, ${max ?? 'inf'}]`,
      };
    },
  },
};
