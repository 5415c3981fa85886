import { UnleashError } from './unleash-error.js';

/** Unleash answered another 4xx (e.g. 400): it refuses the request as sent; retrying will not help. */
export class UnleashRequestRejectedError extends UnleashError {
  readonly code = 'unleash_request_rejected';
  readonly retryable = false;

  constructor(
    message: string,
    url: string,
    readonly status: number,
  ) {
    super(message, url);
  }
}
