import { AppError } from './app-error.js';

/** The request is well-formed but not allowed in the current state (e.g. approve while not awaiting approval). */
export class ConflictError extends AppError {
  readonly code = 'conflict';
  readonly statusCode = 409;
}
