import { UnleashError } from './unleash-error.js';

/** Unleash did not answer within the configured timeout. */
export class UnleashTimeoutError extends UnleashError {
  readonly code = 'unleash_timeout';
  readonly retryable = true;
}
