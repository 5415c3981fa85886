import { AppError } from './app-error.js';

/** A rollout's state changed since it was read (another writer, or a newer leader); nothing was saved. */
export class StaleStateError extends AppError {
  readonly code = 'stale_state';
  readonly statusCode = 409;
}
