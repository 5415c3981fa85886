import { AppError } from './app-error.js';

/** Prometheus answered `status: "error"` (bad query, execution failure): the query must be fixed. */
export class MetricSourceQueryError extends AppError {
  readonly code = 'metric_source_query_error';
  readonly statusCode = 502;

  constructor(
    readonly errorType: string,
    readonly query: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`metric source rejected the query (${errorType}: ${detail}); fix the query: ${query}`, options);
  }
}
