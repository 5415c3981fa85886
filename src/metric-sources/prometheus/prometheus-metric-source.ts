import { MetricSourceError } from '../../errors/metric-source-error.js';
import type {
  CountQuery,
  MetricSource,
  NoData,
  ScalarQuery,
  ScalarValue,
  VariantCounts,
} from '../metric-source.js';
import { type CompiledQuery, compileCountQuery, compileScalarQuery, rangeSeconds } from './compile-promql.js';
import type { PrometheusQueryApi, VectorSample } from './prometheus-query-api.js';
import { QueryBatcher } from './query-batcher.js';

const noData = (reason: string): NoData => ({ kind: 'no-data', reason });

/** Guardrail data from Prometheus (or Thanos, Mimir, VictoriaMetrics) through instant queries. */
export class PrometheusMetricSource implements MetricSource {
  private readonly batcher: QueryBatcher;

  /** `batchSize`: structured queries of one instant joined into one request (1 = no batching). */
  constructor(
    private readonly api: PrometheusQueryApi,
    options: { batchSize?: number } = {},
  ) {
    this.batcher = new QueryBatcher(api, options.batchSize ?? 10);
  }

  async counts(q: CountQuery, since: Date, until: Date): Promise<VariantCounts | NoData> {
    if (until.getTime() <= since.getTime())
      return noData('the counting range is empty (until is not after since)');
    const compiled = compileCountQuery(q, since, until);
    const result = await this.batcher.vector(compiled.query, compiled.time);
    if (result.length === 0) {
      const range = rangeSeconds(until.getTime() - since.getTime());
      return noData(
        `no samples for ${compiled.query}: the metric does not exist, no series matches, or ${range}s is shorter than two scrape intervals`,
      );
    }
    const out: VariantCounts = { kind: 'counts', treatment: 0, control: 0, unknown: {} };
    for (const sample of result) {
      const variant = sample.metric[q.variant.label] ?? '';
      const value = Number(sample.value[1]);
      if (!Number.isFinite(value) || value < 0) {
        return noData(`${q.variant.label}="${variant}" gave ${sample.value[1]} for ${compiled.query}`);
      }
      if (variant === q.variant.treatment) out.treatment += value;
      else if (variant === q.variant.control) out.control += value;
      else out.unknown[variant] = (out.unknown[variant] ?? 0) + value;
    }
    return out;
  }

  async scalar(q: ScalarQuery, windowMs: number, at: Date): Promise<ScalarValue | NoData> {
    const compiled = compileScalarQuery(q, windowMs, at);
    // Raw PromQL may yield a scalar, which cannot be batched; structured forms always yield a vector.
    const raw = q.kind === 'promql';
    const [value, events] = await Promise.all([
      this.one(compiled.value, raw),
      compiled.events ? this.one(compiled.events, raw) : undefined,
    ]);
    if (value.kind === 'no-data') return value;
    if (events?.kind === 'value') return { ...value, events: events.value };
    return value;
  }

  isOnline(): Promise<boolean> {
    return this.api.ping();
  }

  private async one(c: CompiledQuery, unbatched: boolean): Promise<ScalarValue | NoData> {
    const raw = unbatched
      ? singleValue(await this.api.query(c.query, c.time), c.query)
      : singleValue({ resultType: 'vector', result: await this.batcher.vector(c.query, c.time) }, c.query);
    if (raw === undefined)
      return noData(`no samples for ${c.query}: the metric does not exist or no series matches`);
    const value = Number(raw);
    if (Number.isNaN(value)) return noData(`${c.query} is NaN (no events in the window, 0/0)`);
    if (!Number.isFinite(value)) return noData(`${c.query} is ${raw}`);
    return { kind: 'value', value };
  }
}

type Answer =
  | { resultType: 'scalar'; result: [number, string] }
  | { resultType: 'vector'; result: VectorSample[] };

function singleValue(data: Answer, query: string): string | undefined {
  if (data.resultType === 'scalar') return data.result[1];
  if (data.result.length > 1) {
    throw new MetricSourceError(
      'metric_source_bad_response',
      `${query} returned ${data.result.length} series; a guardrail needs one value: aggregate it (e.g. sum(...))`,
    );
  }
  return data.result[0]?.value[1];
}
