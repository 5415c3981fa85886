import { AppError } from './app-error.js';

/** The query succeeded with warnings (e.g. a partial response): the numbers cannot be trusted. */
export class MetricSourceWarningError extends AppError {
  readonly code = 'metric_source_warning';
  readonly statusCode = 502;

  constructor(
    readonly warnings: readonly string[],
    readonly query: string,
  ) {
    super(
      `metric source answered with warnings, so the result may be partial (${warnings.join('; ')}); query: ${query}`,
    );
  }
}
