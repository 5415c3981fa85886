import { UnleashError } from './unleash-error.js';

/** Unleash answered 401 or 403: the admin token is wrong, expired or lacks permission. */
export class UnleashUnauthorizedError extends UnleashError {
  readonly code = 'unleash_unauthorized';
  readonly retryable = false;

  constructor(
    url: string,
    readonly status: number,
  ) {
    super(`admin token rejected by Unleash at ${url} (HTTP ${status}): check UNLEASH_ADMIN_TOKEN`, url);
  }
}
