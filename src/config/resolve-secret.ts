import { readFileSync } from 'node:fs';
import { ValidationError } from '../errors/validation-error.js';
import type { ParseResult } from '../rollout-spec/parse-result.js';
import type { Env } from './env-overrides.js';

/** Where a secret comes from: an environment variable or a file (one of them, checked by the config rules). */
export interface SecretRef {
  env?: string | undefined;
  file?: string | undefined;
}

/**
 * Reads a secret named in rampart.yaml. `what` names it in errors (e.g. `flagBackends.unleash.adminToken`);
 * the secret's value never appears in a message. A file's trailing newline is dropped.
 */
export function resolveSecret(
  ref: SecretRef,
  what: string,
  env: Env,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): ParseResult<string> {
  const fail = (source: string, message: string): ParseResult<string> => ({
    ok: false,
    error: new ValidationError([{ source, path: what, message }]),
  });
  if (ref.env !== undefined) {
    const value = env[ref.env];
    if (value === undefined || value === '')
      return fail(`environment variable ${ref.env}`, 'is not set or empty');
    return { ok: true, value };
  }
  if (ref.file !== undefined) {
    let text: string;
    try {
      text = readFile(ref.file);
    } catch (error) {
      return fail(ref.file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const value = text.replace(/\r?\n$/, '');
    return value === '' ? fail(ref.file, 'is empty') : { ok: true, value };
  }
  return fail('rampart.yaml', 'names no environment variable or file');
}
