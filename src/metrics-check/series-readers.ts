import { MetricSourceError } from '../errors/metric-source-error.js';
import { redactUrl } from '../errors/redact-url.js';
import type { RequiredQuery, RequiredSeries } from '../guardrails/required-series.js';
import { rangeSeconds, selector, substitutePromql } from '../metric-sources/prometheus/compile-promql.js';
import type { PrometheusQueryApi } from '../metric-sources/prometheus/prometheus-query-api.js';
import { type FlatSample, parseExposition } from '../metric-sources/scrape/parse-exposition.js';
import { describeScrapeError, type ScrapeTransport } from '../metric-sources/scrape/scrape-transport.js';
import type { Ticker } from '../time/ticker.js';
import type { Observation } from './check-series.js';

/** The answer of a raw PromQL guardrail's query, or why there is none. */
export interface QueryCheck {
  guardrail: string;
  ok: boolean;
  detail: string;
}

/** Where check-metrics looks: a Prometheus, or a service's own /metrics. */
export interface SeriesReader {
  /** What the source saw of each selection, in order. */
  observe(required: readonly RequiredSeries[]): Promise<Observation[]>;
  /** Runs a raw PromQL guardrail's query; undefined when the source cannot. */
  runQuery(q: RequiredQuery, rollout: string): Promise<QueryCheck | undefined>;
}

function withoutName(labels: Record<string, string>): Record<string, string> {
  const { __name__: _, ...rest } = labels;
  return rest;
}

function matches(
  labels: Readonly<Record<string, string>>,
  matchers: Readonly<Record<string, string>>,
): boolean {
  return Object.entries(matchers).every(([k, v]) => labels[k] === v);
}

/**
 * Reads a Prometheus: the series of each metric seen over `windowMs`, and the increase of each
 * selection over that window.
 */
export function prometheusReader(api: PrometheusQueryApi, windowMs: number, now: () => Date): SeriesReader {
  const range = `${rangeSeconds(windowMs)}s`;
  return {
    async observe(required) {
      const at = now();
      return Promise.all(
        required.map(async (r) => {
          const all = await api.query(`last_over_time(${selector(r.metric, r.scope)}[${range}])`, at);
          const labelSets = all.resultType === 'vector' ? all.result.map((s) => withoutName(s.metric)) : [];
          const inc = await api.query(`sum(increase(${selector(r.metric, r.matchers)}[${range}]))`, at);
          const first = inc.resultType === 'vector' ? inc.result[0]?.value[1] : inc.result[1];
          return { labelSets, increase: first === undefined ? 0 : Number(first) };
        }),
      );
    },
    async runQuery(q, rollout) {
      const query = substitutePromql(q.query, q.windowMs, rollout);
      try {
        const answer = await api.query(query, now());
        const values =
          answer.resultType === 'vector' ? answer.result.map((s) => s.value[1]) : [answer.result[1]];
        if (values.length === 0) return { guardrail: q.guardrail, ok: false, detail: `no data: ${query}` };
        if (values.length > 1)
          return {
            guardrail: q.guardrail,
            ok: false,
            detail: `${values.length} series, the guardrail needs one: ${query}`,
          };
        return { guardrail: q.guardrail, ok: true, detail: `value ${values[0]}` };
      } catch (error) {
        if (error instanceof MetricSourceError && error.code === 'metric_source_query_error')
          return { guardrail: q.guardrail, ok: false, detail: error.message };
        throw error;
      }
    },
  };
}

/**
 * Reads a service's /metrics twice, `intervalMs` apart: the series of the second read, and how much
 * each selection grew between the two (a series that appeared in between grew from 0).
 */
export async function metricsUrlReader(
  url: string,
  intervalMs: number,
  transport: ScrapeTransport,
  ticker: Ticker,
): Promise<SeriesReader> {
  const read = async (): Promise<FlatSample[]> => {
    let text: string;
    try {
      text = await transport.fetch(url, AbortSignal.timeout(10_000));
    } catch (error) {
      throw MetricSourceError.unreachable(redactUrl(url), describeScrapeError(error));
    }
    try {
      return parseExposition(text);
    } catch (error) {
      throw new MetricSourceError(
        'metric_source_bad_response',
        `${redactUrl(url)} is not Prometheus text exposition: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
  const before = await read();
  await new Promise<void>((resolve) => ticker.after(intervalMs, resolve));
  const after = await read();
  const key = (s: FlatSample) => `${s.name}${JSON.stringify(Object.entries(s.labels).sort())}`;
  const earlier = new Map(before.map((s) => [key(s), s.value]));
  return {
    async observe(required) {
      return required.map((r) => {
        const series = after.filter((s) => s.name === r.metric && matches(s.labels, r.scope));
        const increase = series
          .filter((s) => matches(s.labels, r.matchers))
          .reduce((sum, s) => sum + Math.max(0, s.value - (earlier.get(key(s)) ?? 0)), 0);
        return { labelSets: series.map((s) => s.labels), increase };
      });
    },
    runQuery: async () => undefined,
  };
}
