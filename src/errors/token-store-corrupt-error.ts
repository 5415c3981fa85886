import { AppError } from './app-error.js';

/** The demo login service's session token store failed its integrity check (e.g. after a token purge). */
export class TokenStoreCorruptError extends AppError {
  readonly code = 'token_store_corrupt';
  readonly statusCode = 503;
}
