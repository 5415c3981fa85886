import { UnleashError } from './unleash-error.js';

/** Unleash answered 2xx with a body rampart cannot read (wrong server, incompatible version). */
export class UnleashBadResponseError extends UnleashError {
  readonly code = 'unleash_bad_response';
  readonly retryable = false;
}
