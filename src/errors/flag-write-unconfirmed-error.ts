import { AppError } from './app-error.js';

/** The part of a flag a write is checked on (errors/ depends on no plug point). */
interface FlagReading {
  enabled: boolean;
  percentage: number | null;
}

/** A flag write succeeded but reading the flag back showed something else (a concurrent hand edit, a lost write). */
export class FlagWriteUnconfirmedError extends AppError {
  readonly code = 'flag_write_unconfirmed';
  readonly statusCode = 502;

  constructor(
    readonly flag: string,
    readonly expected: FlagReading,
    readonly actual: FlagReading,
  ) {
    super(
      `flag ${flag}: wrote enabled=${expected.enabled} percentage=${expected.percentage} but read back ` +
        `enabled=${actual.enabled} percentage=${actual.percentage}`,
    );
  }
}
