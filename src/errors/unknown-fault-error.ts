import { AppError } from './app-error.js';

/** A fault name the demo login service does not implement; the message lists the valid names. */
export class UnknownFaultError extends AppError {
  readonly code = 'unknown_fault';
  readonly statusCode = 400;
}
