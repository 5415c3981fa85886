import { AppError } from './app-error.js';

/** The metric source could not be connected to (refused, reset, DNS failure), also after retries. */
export class MetricSourceUnreachableError extends AppError {
  readonly code = 'metric_source_unreachable';
  readonly statusCode = 503;

  constructor(
    readonly endpoint: string,
    /** System error code such as ECONNREFUSED, or a short description. */
    readonly reason: string,
  ) {
    super(
      `metric source ${endpoint} is unreachable (${reason}): check metricSource.url and that it is running`,
    );
  }
}
