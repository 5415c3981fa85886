import { AppError } from './app-error.js';

export class NotFoundError extends AppError {
  readonly code = 'not_found';
  readonly statusCode = 404;
}
