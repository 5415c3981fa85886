/**
 * Base of every error rampart raises on purpose. `code` is stable and machine-readable,
 * `statusCode` is what the HTTP error handler answers with, `cause` keeps the original error.
 */
export abstract class AppError extends Error {
  abstract readonly code: string;
  abstract readonly statusCode: number;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  /** The JSON body sent to clients: never a stack trace. */
  toJSON(): { code: string; message: string } {
    return { code: this.code, message: this.message };
  }
}
