import { MetricSourceError } from '../../errors/metric-source-error.js';
import type { PrometheusQueryApi, VectorSample } from './prometheus-query-api.js';

/** The label that tells the parts of a batched query apart; removed before results are handed out. */
export const BATCH_LABEL = 'rampart_q';

interface Waiter {
  query: string;
  resolve: (v: VectorSample[]) => void;
  reject: (e: unknown) => void;
}

/**
 * Joins vector queries evaluated at the same instant and issued in the same event-loop turn into one
 * request: `label_replace(q0, "rampart_q", "0", "", "") or label_replace(q1, ...)`. The parts keep
 * distinct label sets, so `or` is a plain union, and each part's series are split out again.
 * HTTP round trips, not query evaluation, dominate a tick of small queries; this cuts them ~7x.
 * A failing batch fails every part in it (they were compiled by rampart, so that means the server failed).
 */
export class QueryBatcher {
  private pending = new Map<number, Waiter[]>();
  private scheduled = false;

  constructor(
    private readonly api: PrometheusQueryApi,
    /** Parts per request; 1 sends every query alone. */
    private readonly maxBatch: number,
  ) {}

  /** The series of an instant vector query at `time`. */
  vector(query: string, time: Date): Promise<VectorSample[]> {
    return new Promise((resolve, reject) => {
      const key = time.getTime();
      const list = this.pending.get(key) ?? [];
      list.push({ query, resolve, reject });
      this.pending.set(key, list);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const groups = this.pending;
    this.pending = new Map();
    this.scheduled = false;
    for (const [time, waiters] of groups) {
      const byQuery = new Map<string, Waiter[]>();
      for (const w of waiters) byQuery.set(w.query, [...(byQuery.get(w.query) ?? []), w]);
      const distinct = [...byQuery.entries()];
      for (let i = 0; i < distinct.length; i += this.maxBatch) {
        void this.send(distinct.slice(i, i + this.maxBatch), new Date(time));
      }
    }
  }

  private async send(parts: [string, Waiter[]][], time: Date): Promise<void> {
    let split: VectorSample[][];
    try {
      split = await this.fetch(
        parts.map(([q]) => q),
        time,
      );
    } catch (error) {
      for (const [, waiters] of parts) for (const w of waiters) w.reject(error);
      return;
    }
    parts.forEach(([, waiters], i) => {
      for (const w of waiters) w.resolve(split[i] ?? []);
    });
  }

  /** One request for all `queries`; the series of each, in order. */
  private async fetch(queries: string[], time: Date): Promise<VectorSample[][]> {
    const single = queries.length === 1;
    const query = single
      ? (queries[0] as string)
      : queries.map((q, i) => `label_replace(${q}, "${BATCH_LABEL}", "${i}", "", "")`).join(' or ');
    const data = await this.api.query(query, time);
    if (data.resultType !== 'vector') {
      throw new MetricSourceError(
        'metric_source_bad_response',
        `${query} gave a ${data.resultType}, expected a vector`,
      );
    }
    if (single) return [data.result];
    const split: VectorSample[][] = queries.map(() => []);
    for (const sample of data.result) {
      const { [BATCH_LABEL]: index, ...metric } = sample.metric;
      split[Number(index)]?.push({ metric, value: sample.value });
    }
    return split;
  }
}
