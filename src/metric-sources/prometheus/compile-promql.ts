import type { LabelMatchers } from '../../rollout-spec/rollout-spec-schema.js';
import type { CountQuery, ScalarQuery } from '../metric-source.js';

/** A PromQL expression and the instant it is evaluated at (`time=` of `/api/v1/query`). */
export interface CompiledQuery {
  query: string;
  time: Date;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Escapes a label value for a double-quoted PromQL string (Go string literal rules). */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n\r\t]/g, (c) => {
    switch (c) {
      case '\\':
        return '\\\\';
      case '"':
        return '\\"';
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      default:
        return '\\t';
    }
  });
}

/** `metric{a="x",b="y"}` with matchers sorted by label name, so equal queries compile to equal text. */
export function selector(metric: string, matchers: LabelMatchers): string {
  if (!METRIC_NAME.test(metric))
    throw new RangeError(`not a Prometheus metric name: ${JSON.stringify(metric)}`);
  const parts = Object.keys(matchers)
    .sort()
    .map((name) => {
      if (!LABEL_NAME.test(name))
        throw new RangeError(`not a Prometheus label name: ${JSON.stringify(name)}`);
      return `${name}="${escapeLabelValue(matchers[name] ?? '')}"`;
    });
  return parts.length === 0 ? metric : `${metric}{${parts.join(',')}}`;
}

/**
 * Range length in whole seconds, rounded up so the range always covers the whole requested span.
 * Ranges shorter than the scrape interval may hold fewer than two samples: Prometheus then returns an
 * empty vector, which the source reports as NoData (the controller holds a few seconds at step start).
 * We never widen the range into the previous step: that would mix in counts from another percentage.
 */
export function rangeSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/**
 * Per-variant increase since the step started, evaluated at `until`.
 * `increase()` extrapolates to the range edges, so for ranges only a few scrape intervals long the
 * counts are approximate (error about one scrape interval / range); the sequential test tolerates it.
 */
export function compileCountQuery(q: CountQuery, since: Date, until: Date): CompiledQuery {
  const range = rangeSeconds(until.getTime() - since.getTime());
  return { query: countExpression(q, `${range}s`), time: until };
}

/**
 * The per-variant increase over `range` (a PromQL duration, or a Grafana variable such as
 * `$__rate_interval` in a dashboard): the one expression a count query compiles to.
 */
export function countExpression(q: CountQuery, range: string): string {
  if (!LABEL_NAME.test(q.variant.label)) {
    throw new RangeError(`not a Prometheus label name: ${JSON.stringify(q.variant.label)}`);
  }
  return `sum by (${q.variant.label}) (increase(${selector(q.metric, q.matchers)}[${range}]))`;
}

/** A scalar query and, for ratios, the query of its denominator (events behind the ratio). */
export interface CompiledScalar {
  value: CompiledQuery;
  events?: CompiledQuery;
}

/**
 * Scalar over the window ending at `at`. A ratio's numerator falls back to 0 when no good series exists
 * (a total outage), so the ratio is 0 rather than missing; a zero denominator still yields NaN = NoData.
 */
export function compileScalarQuery(q: ScalarQuery, windowMs: number, at: Date): CompiledScalar {
  if (q.kind === 'promql')
    return { value: { query: substitutePromql(q.query, windowMs, q.rollout), time: at } };
  const { value, events } = scalarExpressions(q, `${rangeSeconds(windowMs)}s`);
  return { value: { query: value, time: at }, ...(events ? { events: { query: events, time: at } } : {}) };
}

/**
 * The expressions a ratio or scalar query compiles to over `range` (a PromQL duration or a Grafana
 * variable). Raw PromQL is the author's own text: see substitutePromql.
 */
export function scalarExpressions(
  q: Exclude<ScalarQuery, { kind: 'promql' }>,
  range: string,
): { value: string; events?: string } {
  switch (q.kind) {
    case 'ratio': {
      const total = `sum(increase(${selector(q.metric, q.matchers)}[${range}]))`;
      const good = `sum(increase(${selector(q.metric, { ...q.matchers, ...q.good })}[${range}]))`;
      return { value: `(${good} or vector(0)) / ${total}`, events: total };
    }
    case 'scalar': {
      const sel = `${selector(q.metric, q.matchers)}[${range}]`;
      const fn = q.fn === 'last' ? 'last_over_time' : q.fn;
      return { value: `sum(${fn}(${sel}))` };
    }
    default:
      return q satisfies never;
  }
}

/** Replaces `$window` with the window in seconds (e.g. `300s`) and `$rollout` with the escaped rollout name. */
export function substitutePromql(query: string, windowMs: number, rollout: string): string {
  return query
    .replace(/\$window\b/g, `${rangeSeconds(windowMs)}s`)
    .replace(/\$rollout\b/g, () => escapeLabelValue(rollout));
}
