import type { z } from 'zod';
import type { Issue } from '../errors/validation-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { formatPath } from './field-path.js';
import type { ParseResult } from './parse-result.js';
import type { YamlSource } from './yaml-source.js';
import { readYaml } from './yaml-source.js';
import type { PathIssue, UnionResolver } from './zod-issues.js';
import { describeZodIssues } from './zod-issues.js';

export interface YamlSchemaOptions {
  /** Rules beyond the schema, run on the raw value even when the schema fails. */
  rules?: (raw: unknown) => PathIssue[];
  resolveUnion?: UnionResolver;
  /** What the file should contain, for the message about an empty file. */
  expected: string;
}

/** Places path issues in the file and orders them as they appear there. */
export function placeIssues(yaml: YamlSource, pathIssues: readonly PathIssue[]): Issue[] {
  const seen = new Set<string>();
  const issues: Issue[] = [];
  for (const p of pathIssues) {
    const at = (p.inner && yaml.locateInside(p.path, p.inner)) ?? yaml.locate(p.path, p.at);
    const issue: Issue = {
      source: yaml.source,
      line: at.line,
      column: at.column,
      path: formatPath(p.path),
      message: p.message,
    };
    const key = JSON.stringify(issue);
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

/**
 * Parses YAML `text` from `source` and validates it against `schema` plus `rules`, reporting
 * every problem of the file with file:line:col, field path, offending value and what is allowed.
 */
export function parseYamlWithSchema<S extends z.ZodType>(
  text: string,
  source: string,
  schema: S,
  options: YamlSchemaOptions,
): ParseResult<z.output<S>> {
  const yaml = readYaml(text, source);
  if (yaml.syntaxIssues.length > 0) return { ok: false, error: new ValidationError(yaml.syntaxIssues) };
  if (yaml.value === undefined || yaml.value === null) {
    const issue: Issue = {
      source,
      line: 1,
      column: 1,
      path: '',
      message: `the file is empty; expected ${options.expected}`,
    };
    return { ok: false, error: new ValidationError([issue]) };
  }
  const result = schema.safeParse(yaml.value);
  const pathIssues = result.success
    ? []
    : describeZodIssues(result.error.issues, schema, yaml.value, options.resolveUnion);
  pathIssues.push(...(options.rules?.(yaml.value) ?? []));
  if (pathIssues.length > 0 || !result.success) {
    return { ok: false, error: new ValidationError(placeIssues(yaml, pathIssues)) };
  }
  return { ok: true, value: result.data };
}
