import { AppError } from './app-error.js';

/** Why a request to rampart's own API was refused; the value is also the `code` the API answers with. */
export type RequestErrorCode =
  /** No such route or resource. */
  | 'not_found'
  /** No token, or a token rampart does not know. */
  | 'unauthorized'
  /** A known token whose role may not do this. */
  | 'forbidden'
  /** Well-formed but not allowed in the current state (e.g. approve while not awaiting approval). */
  | 'conflict'
  /** Too many failed authentications from one client; retry after `retryAfterSeconds`. */
  | 'too_many_requests'
  /** The request with this Idempotency-Key is still being answered; retry after `retryAfterSeconds`. */
  | 'idempotency_in_progress'
  /** This Idempotency-Key was used for a request with another body: use a new key per request. */
  | 'idempotency_key_reused';

const STATUS_CODE: Record<RequestErrorCode, number> = {
  not_found: 404,
  unauthorized: 401,
  forbidden: 403,
  conflict: 409,
  too_many_requests: 429,
  idempotency_in_progress: 409,
  idempotency_key_reused: 422,
};

/** A request refused for what it asks, who asks or how often: the caller, not rampart, has to change something. */
export class RequestError extends AppError {
  readonly statusCode: number;

  constructor(
    readonly code: RequestErrorCode,
    message: string,
    /** Sent as the Retry-After header when set. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.statusCode = STATUS_CODE[code];
  }
}
