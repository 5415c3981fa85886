import { UnleashError } from './unleash-error.js';

/** Unleash answered 404: the project, flag or environment named in the rollout does not exist there. */
export class UnleashNotFoundError extends UnleashError {
  readonly code = 'unleash_not_found';
  readonly retryable = false;
}
