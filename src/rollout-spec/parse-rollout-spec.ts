import type { z } from 'zod';
import { rolloutCrossFieldRules } from './cross-field-rules.js';
import type { FieldPath } from './field-path.js';
import { valueAt } from './field-path.js';
import type { ParseResult } from './parse-result.js';
import type { ParseWork } from './parse-work.js';
import { parseYamlWithSchema } from './parse-yaml-with-schema.js';
import type { RolloutSpec } from './rollout-spec-schema.js';
import { GUARDRAIL_KINDS, rolloutSpecSchema } from './rollout-spec-schema.js';
import { SPEC_LIMITS } from './spec-limits.js';

/**
 * A guardrail is a union of one form per kind. Zod reports every form's failure; the author meant
 * the form whose kind key they wrote, so only that form's issues are relevant. Without exactly one
 * kind key the cross-field rules explain the problem better than the union could.
 */
function resolveGuardrailUnion(
  issue: z.core.$ZodIssueInvalidUnion,
  path: FieldPath,
  input: unknown,
): readonly z.core.$ZodIssue[] | undefined {
  if (path.length !== 2 || path[0] !== 'guardrails') return undefined;
  const guardrail = valueAt(input, path);
  if (guardrail === null || typeof guardrail !== 'object') return [];
  const kinds = GUARDRAIL_KINDS.filter((kind) => kind in guardrail);
  const [kind] = kinds;
  if (kinds.length !== 1 || kind === undefined) return [];
  return issue.errors[GUARDRAIL_KINDS.indexOf(kind)] ?? [];
}

export interface ParseSpecOptions {
  /** Overrides SPEC_LIMITS.fileBytes (the benchmark lifts it to see how parsing grows). */
  maxBytes?: number | undefined;
  work?: ParseWork | undefined;
}

/**
 * Parses and validates one rollout spec file's text; `source` names the file in messages. A text
 * over SPEC_LIMITS.fileBytes is refused unparsed.
 */
export function parseRolloutSpec(
  text: string,
  source: string,
  options: ParseSpecOptions = {},
): ParseResult<RolloutSpec> {
  return parseYamlWithSchema(text, source, rolloutSpecSchema, {
    expected: 'a rollout spec (apiVersion: rampart/v1, kind: Rollout)',
    rules: rolloutCrossFieldRules,
    resolveUnion: resolveGuardrailUnion,
    maxBytes: options.maxBytes ?? SPEC_LIMITS.fileBytes,
    work: options.work,
  });
}
