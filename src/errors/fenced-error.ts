import { AppError } from './app-error.js';

/**
 * A write was refused because this replica is not the leader, or its leadership epoch was
 * superseded by a newer leader's (a deposed leader's late write). Nothing was saved.
 */
export class FencedError extends AppError {
  readonly code = 'fenced';
  readonly statusCode = 503;
}
