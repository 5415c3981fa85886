import { UnleashError } from './unleash-error.js';

/** Unleash answered 5xx: a fault on its side, worth retrying later. */
export class UnleashServerError extends UnleashError {
  readonly code = 'unleash_server_error';
  readonly retryable = true;

  constructor(
    message: string,
    url: string,
    readonly status: number,
  ) {
    super(message, url);
  }
}
