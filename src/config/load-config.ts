import { readFile, stat } from 'node:fs/promises';
import { ValidationError } from '../errors/validation-error.js';
import type { ParseResult } from '../rollout-spec/parse-result.js';
import { tooLargeIssue } from '../rollout-spec/parse-yaml-with-schema.js';
import { CONFIG_LIMITS } from './config-limits.js';
import type { RampartConfig } from './config-schema.js';
import type { Env } from './env-overrides.js';
import { DEFAULT_CONFIG_TEXT, parseConfig } from './parse-config.js';

/** Where the configuration comes from: `path`, else $RAMPART_CONFIG, else ./rampart.yaml if present, else defaults. */
export interface LoadConfigOptions {
  path?: string | undefined;
  env?: Env;
}

const DEFAULT_CONFIG_PATH = 'rampart.yaml';

/** Loads and validates the controller configuration; every problem is returned, nothing is thrown for user errors. */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<ParseResult<RampartConfig>> {
  const env = options.env ?? {};
  const explicit = options.path ?? env.RAMPART_CONFIG;
  const path =
    explicit ?? ((await stat(DEFAULT_CONFIG_PATH).catch(() => undefined)) ? DEFAULT_CONFIG_PATH : undefined);
  if (path === undefined) return parseConfig(DEFAULT_CONFIG_TEXT, '(built-in defaults)', env);
  let text: string;
  try {
    // Refused before it is read: a 30 MB file must not be held in memory to be rejected.
    const { size } = await stat(path);
    if (size > CONFIG_LIMITS.fileBytes) {
      return { ok: false, error: new ValidationError([tooLargeIssue(path, size, CONFIG_LIMITS.fileBytes)]) };
    }
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return {
      ok: false,
      error: new ValidationError([
        { source: path, path: '', message: `cannot read the configuration (${code})` },
      ]),
    };
  }
  return parseConfig(text, path, env);
}
