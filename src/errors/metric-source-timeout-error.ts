import { AppError } from './app-error.js';

/** A query or scrape did not finish within its configured timeout. */
export class MetricSourceTimeoutError extends AppError {
  readonly code = 'metric_source_timeout';
  readonly statusCode = 504;

  constructor(
    readonly endpoint: string,
    readonly timeoutMs: number,
  ) {
    super(
      `metric source ${endpoint} did not answer within ${timeoutMs} ms: raise metricSource.timeout or make the query cheaper`,
    );
  }
}
