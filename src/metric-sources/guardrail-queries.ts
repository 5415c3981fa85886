import { MetricSourceError } from '../errors/metric-source-error.js';
import type { Guardrail, LabelMatchers, RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import type { CountQuery, ScalarQuery } from './metric-source.js';

/** One query a guardrail needs at a tick; `role` names the GuardrailInput field it feeds. */
export type GuardrailQuery =
  | {
      role: 'good' | 'total' | 'events' | 'per' | 'increase' | 'exposures';
      type: 'counts';
      query: CountQuery;
    }
  | { role: 'value'; type: 'scalar'; query: ScalarQuery; windowMs: number };

type RolloutScope = Pick<RolloutSpec, 'name' | 'matchers' | 'variant'>;

/**
 * The queries behind one guardrail: counts run from the step start to now, scalars over their window.
 * The rollout's matchers come first and the guardrail's override them, so a guardrail can narrow further.
 * `zero` reads per-variant counts: its increase is treatment + control + every unknown variant.
 */
export function guardrailQueries(spec: RolloutScope, g: Guardrail): GuardrailQuery[] {
  const counts = (metric: string, ...more: LabelMatchers[]): CountQuery => ({
    metric,
    matchers: Object.assign({}, spec.matchers, ...more),
    variant: spec.variant,
  });
  switch (g.kind) {
    case 'compare':
      return [
        { role: 'good', type: 'counts', query: counts(g.compare.metric, g.compare.matchers, g.compare.good) },
        { role: 'total', type: 'counts', query: counts(g.compare.metric, g.compare.matchers) },
      ];
    case 'rate':
      return [
        { role: 'events', type: 'counts', query: counts(g.rate.events, g.rate.matchers) },
        { role: 'per', type: 'counts', query: counts(g.rate.per, g.rate.matchers) },
      ];
    case 'zero':
      return [{ role: 'increase', type: 'counts', query: counts(g.zero.metric, g.zero.matchers) }];
    case 'srm':
      return [{ role: 'exposures', type: 'counts', query: counts(g.srm.metric, g.srm.matchers) }];
    case 'threshold': {
      const { ratio, scalar, window } = g.threshold;
      if (ratio) {
        const matchers = { ...spec.matchers, ...ratio.matchers };
        const query: ScalarQuery = { kind: 'ratio', metric: ratio.metric, good: ratio.good, matchers };
        return [{ role: 'value', type: 'scalar', query, windowMs: window }];
      }
      if (scalar) {
        const matchers = { ...spec.matchers, ...scalar.matchers };
        const query: ScalarQuery = { kind: 'scalar', metric: scalar.metric, matchers, fn: scalar.fn };
        return [{ role: 'value', type: 'scalar', query, windowMs: window }];
      }
      throw new MetricSourceError(
        'unsupported_query',
        `guardrail ${g.name}: threshold needs either ratio or scalar`,
      );
    }
    case 'promql':
      return [
        {
          role: 'value',
          type: 'scalar',
          query: { kind: 'promql', query: g.promql.query, rollout: spec.name },
          windowMs: g.promql.window,
        },
      ];
    default:
      return g satisfies never;
  }
}
