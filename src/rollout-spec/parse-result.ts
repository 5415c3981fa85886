import type { ValidationError } from '../errors/validation-error.js';

/** The outcome of parsing user input: user errors are values, not exceptions. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: ValidationError };
