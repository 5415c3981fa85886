import { AppError } from './app-error.js';

/** A known token whose role may not do this. */
export class ForbiddenError extends AppError {
  readonly code = 'forbidden';
  readonly statusCode = 403;
}
