import { AppError } from './app-error.js';

/** The metric source answered, but not in the shape rampart needs (not JSON, wrong result type, several series). */
export class MetricSourceResponseError extends AppError {
  readonly code = 'metric_source_bad_response';
  readonly statusCode = 502;
}
