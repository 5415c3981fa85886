import { AppError } from './app-error.js';

function hint(status: number): string {
  if (status === 401 || status === 403) return 'check the credentials in metricSource.auth';
  if (status === 404) return 'check metricSource.url and metricSource.pathPrefix';
  if (status >= 500) return 'the server failed; it was retried, check its health';
  return 'check the query and the metric source configuration';
}

/** The metric source answered with an HTTP status that is not a success and carried no query error. */
export class MetricSourceHttpError extends AppError {
  readonly code = 'metric_source_http_error';
  readonly statusCode = 502;

  constructor(
    readonly status: number,
    /** Where the request went, without credentials or query string. */
    readonly endpoint: string,
    options?: { cause?: unknown },
  ) {
    super(`metric source ${endpoint} answered HTTP ${status}: ${hint(status)}`, options);
  }
}
