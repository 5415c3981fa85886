import { UnleashError } from './unleash-error.js';

/** Unleash answered 409: the write clashes with the server's state (e.g. a name taken, a concurrent edit). */
export class UnleashConflictError extends UnleashError {
  readonly code = 'unleash_conflict';
  readonly retryable = false;
}
