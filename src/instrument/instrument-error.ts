import { AppError } from '../errors/app-error.js';

/** A helper set up wrongly (bad option, flag already instrumented on this registry): a programming error. */
export class InstrumentError extends AppError {
  readonly code = 'instrument_config';
  readonly statusCode = 500;
}
