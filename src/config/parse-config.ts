import { redactValue } from '../errors/redact-url.js';
import type { ParseResult } from '../rollout-spec/parse-result.js';
import { parseYamlWithSchema } from '../rollout-spec/parse-yaml-with-schema.js';
import { CONFIG_LIMITS } from './config-limits.js';
import { configRules } from './config-rules.js';
import type { RampartConfig } from './config-schema.js';
import { configSchema } from './config-schema.js';
import type { Env } from './env-overrides.js';
import { envOverrides } from './env-overrides.js';

/**
 * Parses rampart.yaml text (`source` names it in messages) with RAMPART_* overrides from `env`.
 * Errors carry file:line:col, or the environment variable that set the offending value; a value
 * they quote has its URL credentials hidden (a store or Prometheus URL may carry a password).
 */
export function parseConfig(text: string, source: string, env: Env = {}): ParseResult<RampartConfig> {
  return parseYamlWithSchema(text, source, configSchema, {
    expected: 'a rampart configuration (apiVersion: rampart/v1, kind: Config)',
    rules: configRules,
    overrides: (raw) => envOverrides(env, raw),
    maxBytes: CONFIG_LIMITS.fileBytes,
    redact: redactValue,
  });
}

/** The text of a configuration with every default, used when there is no rampart.yaml. */
export const DEFAULT_CONFIG_TEXT = 'apiVersion: rampart/v1\nkind: Config\n';
