import { AppError } from '../errors/app-error.js';

/** Failures only the demo login service has; the value is also the `code` its API answers with. */
export type DemoErrorCode =
  /** The session token store failed its integrity check (e.g. after a token purge). */
  | 'token_store_corrupt'
  /** A fault name the demo does not implement; the message lists the valid names. */
  | 'unknown_fault';

const STATUS_CODE: Record<DemoErrorCode, number> = {
  token_store_corrupt: 503,
  unknown_fault: 400,
};

/** An error of the demo login service itself, not of rampart. */
export class DemoError extends AppError {
  readonly statusCode: number;

  constructor(
    readonly code: DemoErrorCode,
    message: string,
  ) {
    super(message);
    this.statusCode = STATUS_CODE[code];
  }
}
