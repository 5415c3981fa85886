import { AppError } from './app-error.js';

/** Why the state store refused or failed; the value is also the `code` the API answers with. */
export type StoreErrorCode =
  /** The store could not be opened, migrated or written. */
  | 'store_error'
  /** A rollout's state changed since it was read (another writer, or a newer leader); nothing was saved. */
  | 'stale_state'
  /**
   * A write was refused because this replica is not the leader, or its leadership epoch (kept in the
   * store) was superseded by a newer leader's: a deposed leader's late write. Nothing was saved.
   */
  | 'fenced';

const STATUS_CODE: Record<StoreErrorCode, number> = {
  store_error: 503,
  stale_state: 409,
  fenced: 503,
};

/** The state store, or the leadership fencing built on it, did not save what was asked. */
export class StoreError extends AppError {
  readonly statusCode: number;

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.statusCode = STATUS_CODE[code];
  }
}
