import type {
  CountQuery,
  MetricSource,
  NoData,
  ScalarQuery,
  ScalarValue,
  VariantCounts,
} from '../metric-sources/metric-source.js';
import type { RampartMetrics } from './rampart-metrics.js';

/** Counts every metric-source query by outcome: ok, no_data or error. */
export class InstrumentedMetricSource implements MetricSource {
  constructor(
    private readonly name: string,
    private readonly inner: MetricSource,
    private readonly metrics: RampartMetrics,
  ) {}

  counts(q: CountQuery, since: Date, until: Date): Promise<VariantCounts | NoData> {
    return this.count(() => this.inner.counts(q, since, until));
  }

  scalar(q: ScalarQuery, windowMs: number, at: Date): Promise<ScalarValue | NoData> {
    return this.count(() => this.inner.scalar(q, windowMs, at));
  }

  isOnline(): Promise<boolean> {
    return this.inner.isOnline();
  }

  private async count<T extends { kind: string }>(query: () => Promise<T>): Promise<T> {
    try {
      const result = await query();
      const outcome = result.kind === 'no-data' ? 'no_data' : 'ok';
      this.metrics.metricQueriesTotal.inc({ source: this.name, outcome });
      return result;
    } catch (error) {
      this.metrics.metricQueriesTotal.inc({ source: this.name, outcome: 'error' });
      throw error;
    }
  }
}
