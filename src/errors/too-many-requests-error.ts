import { AppError } from './app-error.js';

/** Too many failed authentications from one client; retry after `retryAfterSeconds`. */
export class TooManyRequestsError extends AppError {
  readonly code = 'too_many_requests';
  readonly statusCode = 429;

  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
