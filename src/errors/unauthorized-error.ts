import { AppError } from './app-error.js';

/** No token, or a token rampart does not know. */
export class UnauthorizedError extends AppError {
  readonly code = 'unauthorized';
  readonly statusCode = 401;
}
