import { AppError } from './app-error.js';

/** More queries are waiting than the configured queue allows: rampart sheds load instead of piling up. */
export class MetricSourceOverloadedError extends AppError {
  readonly code = 'metric_source_overloaded';
  readonly statusCode = 503;

  constructor(
    readonly concurrency: number,
    readonly queue: number,
  ) {
    super(
      `metric source query rejected: ${concurrency} in flight and ${queue} queued; raise metricSource.concurrency or metricSource.queue, or lengthen rollout ticks`,
    );
  }
}
