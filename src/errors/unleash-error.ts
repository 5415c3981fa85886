import { AppError } from './app-error.js';

/**
 * A call to Unleash's Admin API failed. rampart's own API answers 502 for these: the fault is upstream.
 * `url` is the Unleash base URL (never the token); `retryable` says whether the same call may succeed later.
 */
export abstract class UnleashError extends AppError {
  readonly statusCode = 502;
  abstract readonly retryable: boolean;

  constructor(
    message: string,
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
