import axios, { type AxiosInstance } from 'axios';
import {
  BulkheadRejectedError,
  bulkhead,
  ExponentialBackoff,
  handleWhen,
  type IPolicy,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import { z } from 'zod';
import { MetricSourceError } from '../../errors/metric-source-error.js';
import { toMetricSourceError } from './http-error-mapping.js';
import type { InstantQueryData, PrometheusQueryApi } from './prometheus-query-api.js';

export interface PrometheusHttpApiOptions {
  /** For messages only: where queries go, without credentials. */
  endpoint: string;
  /** Per attempt. */
  timeoutMs: number;
  /** Extra attempts after a 5xx or a dropped connection. */
  retries: number;
  /** Queries in flight at once across every caller of this instance. */
  concurrency: number;
  /** Queries allowed to wait for a slot. */
  queue: number;
  /** First retry delay; grows exponentially. Tests pass 0. */
  retryDelayMs?: number;
}

const sampleValue = z.tuple([z.number(), z.string()]);
const answerSchema = z.object({
  status: z.literal('success'),
  data: z.discriminatedUnion('resultType', [
    z.object({
      resultType: z.literal('vector'),
      result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: sampleValue })),
    }),
    z.object({ resultType: z.literal('scalar'), result: sampleValue }),
  ]),
  warnings: z.array(z.string()).optional(),
});

const RETRYABLE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN']);

/** Only failures where repeating the (read-only) query can help: 5xx and dropped connections, never 4xx. */
export function isRetryable(error: unknown): boolean {
  if (!axios.isAxiosError(error)) return false;
  if (error.response) return error.response.status >= 500;
  return error.code !== undefined && RETRYABLE_CODES.has(error.code);
}

/**
 * Instant queries over axios. The bulkhead is outermost so `concurrency` bounds queries in progress
 * (retries included) for every rollout sharing this instance; each attempt gets its own timeout.
 */
export class PrometheusHttpApi implements PrometheusQueryApi {
  private readonly policy: IPolicy;
  private readonly inFlight = new Map<string, Promise<InstantQueryData>>();

  constructor(
    private readonly http: AxiosInstance,
    private readonly options: PrometheusHttpApiOptions,
  ) {
    const delay = options.retryDelayMs ?? 200;
    this.policy = wrap(
      bulkhead(options.concurrency, options.queue),
      retry(
        handleWhen((e) => isRetryable(e)),
        {
          maxAttempts: options.retries,
          backoff: new ExponentialBackoff({ initialDelay: delay, maxDelay: delay * 8 }),
        },
      ),
      timeout(options.timeoutMs, TimeoutStrategy.Aggressive),
    );
  }

  /**
   * Identical queries at the same instant share one request while it is in flight: within a rollout
   * several guardrails often need the same series (compare's total is rate's denominator).
   */
  query(query: string, time: Date): Promise<InstantQueryData> {
    const key = `${time.getTime()} ${query}`;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const started = this.run(query, time).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }

  private async run(query: string, time: Date): Promise<InstantQueryData> {
    const { endpoint } = this.options;
    let body: unknown;
    try {
      // A signal per query: without one, cockatiel hangs every waiting query's listener on one shared signal.
      const res = await this.policy.execute(
        ({ signal }) =>
          this.http.get('/api/v1/query', { params: { query, time: time.getTime() / 1000 }, signal }),
        new AbortController().signal,
      );
      body = res.data;
    } catch (error) {
      if (error instanceof BulkheadRejectedError) {
        throw MetricSourceError.overloaded(this.options.concurrency, this.options.queue);
      }
      if (error instanceof TaskCancelledError)
        throw MetricSourceError.timeout(endpoint, this.options.timeoutMs);
      throw toMetricSourceError(error, endpoint, query);
    }
    const parsed = answerSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new MetricSourceError(
        'metric_source_bad_response',
        `metric source ${endpoint} did not give a Prometheus query answer (${issue?.path.join('.')}: ${issue?.message}); check metricSource.url and pathPrefix`,
      );
    }
    if (parsed.data.warnings && parsed.data.warnings.length > 0) {
      throw MetricSourceError.warning(parsed.data.warnings, query);
    }
    return parsed.data.data as InstantQueryData;
  }

  async ping(): Promise<boolean> {
    try {
      const res = await this.http.get('/api/v1/query', {
        params: { query: '1' },
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      return res.status === 200 && (res.data as { status?: unknown })?.status === 'success';
    } catch {
      return false;
    }
  }
}
