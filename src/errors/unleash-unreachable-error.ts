import { UnleashError } from './unleash-error.js';

/** No connection to Unleash (refused, reset, DNS): the server is down or the URL is wrong. */
export class UnleashUnreachableError extends UnleashError {
  readonly code = 'unleash_unreachable';
  readonly retryable = true;
}
