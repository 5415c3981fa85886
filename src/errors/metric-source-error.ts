import { AppError } from './app-error.js';

/** What went wrong asking a metric source; the value is also the `code` rampart's API answers with. */
export type MetricSourceErrorCode =
  /** An HTTP status that is not a success and carried no query error. */
  | 'metric_source_http_error'
  /** More queries are waiting than the configured queue allows: rampart sheds load instead of piling up. */
  | 'metric_source_overloaded'
  /** Prometheus answered `status: "error"` (bad query, execution failure): the query must be fixed. */
  | 'metric_source_query_error'
  /** An answer, but not in the shape rampart needs (not JSON, wrong result type, several series). */
  | 'metric_source_bad_response'
  /** A query or scrape did not finish within its configured timeout. */
  | 'metric_source_timeout'
  /** No connection (refused, reset, DNS failure), also after retries. */
  | 'metric_source_unreachable'
  /** The query succeeded with warnings (e.g. a partial response): the numbers cannot be trusted. */
  | 'metric_source_warning'
  /** A guardrail asks for something this source cannot answer (e.g. raw PromQL from the scrape source). */
  | 'unsupported_query';

const STATUS_CODE: Record<MetricSourceErrorCode, number> = {
  metric_source_http_error: 502,
  metric_source_overloaded: 503,
  metric_source_query_error: 502,
  metric_source_bad_response: 502,
  metric_source_timeout: 504,
  metric_source_unreachable: 503,
  metric_source_warning: 502,
  unsupported_query: 400,
};

function hint(status: number): string {
  if (status === 401 || status === 403) return 'check the credentials in metricSource.auth';
  if (status === 404) return 'check metricSource.url and metricSource.pathPrefix';
  if (status >= 500) return 'the server failed; it was retried, check its health';
  return 'check the query and the metric source configuration';
}

/**
 * A metric source could not give the numbers a guardrail needs. Endpoints in messages carry no
 * credentials or query string; `status` is the source's HTTP status when it answered one.
 */
export class MetricSourceError extends AppError {
  readonly statusCode: number;
  readonly status: number | undefined;

  constructor(
    readonly code: MetricSourceErrorCode,
    message: string,
    options?: { status?: number; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.statusCode = STATUS_CODE[code];
    this.status = options?.status;
  }

  static http(status: number, endpoint: string): MetricSourceError {
    return new MetricSourceError(
      'metric_source_http_error',
      `metric source ${endpoint} answered HTTP ${status}: ${hint(status)}`,
      { status },
    );
  }

  static overloaded(concurrency: number, queue: number): MetricSourceError {
    return new MetricSourceError(
      'metric_source_overloaded',
      `metric source query rejected: ${concurrency} in flight and ${queue} queued; raise metricSource.concurrency or metricSource.queue, or lengthen rollout ticks`,
    );
  }

  static query(errorType: string, query: string, detail: string): MetricSourceError {
    return new MetricSourceError(
      'metric_source_query_error',
      `metric source rejected the query (${errorType}: ${detail}); fix the query: ${query}`,
    );
  }

  static timeout(endpoint: string, timeoutMs: number): MetricSourceError {
    return new MetricSourceError(
      'metric_source_timeout',
      `metric source ${endpoint} did not answer within ${timeoutMs} ms: raise metricSource.timeout or make the query cheaper`,
    );
  }

  /** `reason` is a system error code such as ECONNREFUSED, or a short description. */
  static unreachable(endpoint: string, reason: string): MetricSourceError {
    return new MetricSourceError(
      'metric_source_unreachable',
      `metric source ${endpoint} is unreachable (${reason}): check metricSource.url and that it is running`,
    );
  }

  static warning(warnings: readonly string[], query: string): MetricSourceError {
    return new MetricSourceError(
      'metric_source_warning',
      `metric source answered with warnings, so the result may be partial (${warnings.join('; ')}); query: ${query}`,
    );
  }
}
