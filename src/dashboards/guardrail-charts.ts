import type { ChartUnit } from '../guardrails/guardrail-kind.js';
import type { GuardrailQuery, RolloutScope } from '../guardrails/guardrail-query.js';
import { guardrailKind, guardrailQueries } from '../guardrails/registry.js';
import {
  countExpression,
  rangeSeconds,
  scalarExpressions,
  substitutePromql,
} from '../metric-sources/prometheus/compile-promql.js';
import type { Guardrail } from '../rollout-spec/rollout-spec-schema.js';

/**
 * Counts are charted over Grafana's rate interval: the guardrail counts since the step started,
 * which a dashboard cannot know, so the chart shows the same expression over a moving window.
 */
export const CHART_RANGE = '$__rate_interval';

/** One line of a guardrail's chart. */
export interface ChartSeries {
  expr: string;
  legend: string;
}

/** What a guardrail's panel shows, built from the queries the guardrail itself runs. */
export interface GuardrailChart {
  unit: ChartUnit;
  description: string;
  series: ChartSeries[];
}

function querySeries(q: GuardrailQuery, variantLabel: string): ChartSeries[] {
  if (q.type === 'counts')
    return [{ expr: countExpression(q.query, CHART_RANGE), legend: `${q.role} {{${variantLabel}}}` }];
  // A scalar is judged over its own window ending now: the exact expression the guardrail runs.
  if (q.query.kind === 'promql')
    return [{ expr: substitutePromql(q.query.query, q.windowMs, q.query.rollout), legend: q.role }];
  return [{ expr: scalarExpressions(q.query, `${rangeSeconds(q.windowMs)}s`).value, legend: q.role }];
}

/**
 * The chart of one guardrail: the kind's `chart` ratio per variant when it declares one, else each of
 * its queries on its own. Treatment and control (and any out-of-scope variant) are separate lines;
 * the rollout's matchers are in every selector because the queries carry them.
 */
export function guardrailChart(scope: RolloutScope, g: Guardrail): GuardrailChart {
  const queries = guardrailQueries(scope, g);
  const label = scope.variant.label;
  const ratio = guardrailKind(g.kind).chart;
  const counts = (role: GuardrailQuery['role']) =>
    queries.find(
      (q): q is Extract<GuardrailQuery, { type: 'counts' }> => q.type === 'counts' && q.role === role,
    );
  if (ratio) {
    const of = counts(ratio.ratio.of);
    const per = counts(ratio.ratio.per);
    if (of && per) {
      return {
        unit: ratio.unit,
        description: `${of.role} per ${per.role} by ${label}, over Grafana's rate interval (the guardrail counts since the step started)`,
        series: [
          {
            expr: `${countExpression(of.query, CHART_RANGE)} / ${countExpression(per.query, CHART_RANGE)}`,
            legend: `{{${label}}}`,
          },
        ],
      };
    }
  }
  return {
    unit: 'short',
    description: `the queries of the ${g.kind} guardrail, counts by ${label}`,
    series: queries.flatMap((q) => querySeries(q, label)),
  };
}
