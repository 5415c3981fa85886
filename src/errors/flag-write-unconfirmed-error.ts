import type { FlagState } from '../flag-backends/flag-backend.js';
import { AppError } from './app-error.js';

/** A flag write succeeded but reading the flag back showed something else (a concurrent hand edit, a lost write). */
export class FlagWriteUnconfirmedError extends AppError {
  readonly code = 'flag_write_unconfirmed';
  readonly statusCode = 502;

  constructor(
    readonly flag: string,
    readonly expected: Pick<FlagState, 'enabled' | 'percentage'>,
    readonly actual: FlagState,
  ) {
    super(
      `flag ${flag}: wrote enabled=${expected.enabled} percentage=${expected.percentage} but read back ` +
        `enabled=${actual.enabled} percentage=${actual.percentage}`,
    );
  }
}
