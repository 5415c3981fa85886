import { AppError } from './app-error.js';

/** A guardrail asks a metric source for something it cannot answer (e.g. raw PromQL from the scrape source). */
export class UnsupportedQueryError extends AppError {
  readonly code = 'unsupported_query';
  readonly statusCode = 400;
}
