import { MetricSourceResponseError } from '../../errors/metric-source-response-error.js';
import type {
  CountQuery,
  MetricSource,
  NoData,
  ScalarQuery,
  ScalarValue,
  VariantCounts,
} from '../metric-source.js';
import { type CompiledQuery, compileCountQuery, compileScalarQuery, rangeSeconds } from './compile-promql.js';
import type { InstantQueryData, PrometheusQueryApi } from './prometheus-query-api.js';

const noData = (reason: string): NoData => ({ kind: 'no-data', reason });

/** Guardrail data from Prometheus (or Thanos, Mimir, VictoriaMetrics) through instant queries. */
export class PrometheusMetricSource implements MetricSource {
  constructor(private readonly api: PrometheusQueryApi) {}

  async counts(q: CountQuery, since: Date, until: Date): Promise<VariantCounts | NoData> {
    if (until.getTime() <= since.getTime())
      return noData('the counting range is empty (until is not after since)');
    const compiled = compileCountQuery(q, since, until);
    const data = await this.api.query(compiled.query, compiled.time);
    if (data.resultType !== 'vector') {
      throw new MetricSourceResponseError(`${compiled.query} gave a ${data.resultType}, expected a vector`);
    }
    if (data.result.length === 0) {
      const range = rangeSeconds(until.getTime() - since.getTime());
      return noData(
        `no samples for ${compiled.query}: the metric does not exist, no series matches, or ${range}s is shorter than two scrape intervals`,
      );
    }
    const out: VariantCounts = { kind: 'counts', treatment: 0, control: 0, unknown: {} };
    for (const sample of data.result) {
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
    const [value, events] = await Promise.all([
      this.one(compiled.value),
      compiled.events ? this.one(compiled.events) : undefined,
    ]);
    if (value.kind === 'no-data') return value;
    if (events?.kind === 'value') return { ...value, events: events.value };
    return value;
  }

  isOnline(): Promise<boolean> {
    return this.api.ping();
  }

  private async one(c: CompiledQuery): Promise<ScalarValue | NoData> {
    const raw = singleValue(await this.api.query(c.query, c.time), c.query);
    if (raw === undefined)
      return noData(`no samples for ${c.query}: the metric does not exist or no series matches`);
    const value = Number(raw);
    if (Number.isNaN(value)) return noData(`${c.query} is NaN (no events in the window, 0/0)`);
    if (!Number.isFinite(value)) return noData(`${c.query} is ${raw}`);
    return { kind: 'value', value };
  }
}

function singleValue(data: InstantQueryData, query: string): string | undefined {
  if (data.resultType === 'scalar') return data.result[1];
  if (data.result.length > 1) {
    throw new MetricSourceResponseError(
      `${query} returned ${data.result.length} series; a guardrail needs one value: aggregate it (e.g. sum(...))`,
    );
  }
  return data.result[0]?.value[1];
}
