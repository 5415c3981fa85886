import { AppError } from './app-error.js';

/** The store could not be opened, migrated or written. */
export class StoreError extends AppError {
  readonly code = 'store_error';
  readonly statusCode = 503;
}
