import type { z } from 'zod';
import type { Issue } from '../errors/validation-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { FieldPath } from './field-path.js';
import { formatPath } from './field-path.js';
import type { ParseResult } from './parse-result.js';
import type { ParseWork } from './parse-work.js';
import { formatBytes } from './spec-limits.js';
import type { YamlSource } from './yaml-source.js';
import { readYaml } from './yaml-source.js';
import type { PathIssue, UnionResolver } from './zod-issues.js';
import { describeZodIssues } from './zod-issues.js';

/** A value that replaces what the file says at `path`, e.g. from an environment variable named `source`. */
export interface RawOverride {
  path: FieldPath;
  value: unknown;
  source: string;
}

export interface YamlSchemaOptions {
  /** Rules beyond the schema, run on the raw value even when the schema fails. */
  rules?: (raw: unknown) => PathIssue[];
  resolveUnion?: UnionResolver;
  /** Values that win over the file (applied before validation; their issues name their source). */
  overrides?: (raw: unknown) => RawOverride[];
  /** What the file should contain, for the message about an empty file. */
  expected: string;
  /** A larger text is refused before it is parsed. */
  maxBytes: number;
  /** Replaces a value before a message quotes it (e.g. a URL with its credentials hidden). */
  redact?: ((value: unknown) => unknown) | undefined;
  /** Counts the parser's work (tests). */
  work?: ParseWork | undefined;
}

/** Issues reported per file: a file of 40,000 unknown keys must not become a 10 MB message. */
export const MAX_ISSUES = 100;

/** The issue of a file over `maxBytes`: names the file, its size and the limit. */
export function tooLargeIssue(source: string, bytes: number, maxBytes: number): Issue {
  return {
    source,
    path: '',
    message: `the file is ${formatBytes(bytes)} (${bytes} bytes); the limit is ${formatBytes(maxBytes)} (${maxBytes} bytes)`,
  };
}

/** The first MAX_ISSUES issues and a line saying how many more there are. */
function capIssues(issues: Issue[], source: string): Issue[] {
  if (issues.length <= MAX_ISSUES) return issues;
  const shown = issues.slice(0, MAX_ISSUES);
  shown.push({ source, path: '', message: `${issues.length - MAX_ISSUES} more issues not shown` });
  return shown;
}

/** Places path issues in the file (or at the override that set them) and orders them as in the file. */
export function placeIssues(
  yaml: YamlSource,
  pathIssues: readonly PathIssue[],
  overrides: readonly RawOverride[] = [],
): Issue[] {
  const seen = new Set<string>();
  const issues: Issue[] = [];
  for (const p of pathIssues) {
    const path = formatPath(p.path);
    const override = overrides.find((o) => o.path.every((segment, i) => p.path[i] === segment));
    let issue: Issue;
    if (override) {
      issue = { source: override.source, path, message: p.message };
    } else {
      const at = (p.inner && yaml.locateInside(p.path, p.inner)) ?? yaml.locate(p.path, p.at);
      issue = { source: yaml.source, line: at.line, column: at.column, path, message: p.message };
    }
    const key = JSON.stringify(issue);
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  // Overrides (no line) first, then file order; the sort is stable.
  issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  return capIssues(issues, yaml.source);
}

function applyOverrides(value: unknown, overrides: readonly RawOverride[]): unknown {
  if (overrides.length === 0) return value;
  const root = structuredClone(value) as Record<string | number, unknown>;
  for (const { path, value: replacement } of overrides) {
    let node = root;
    path.forEach((segment, i) => {
      if (i === path.length - 1) {
        node[segment] = replacement;
        return;
      }
      const next = node[segment];
      if (next === null || typeof next !== 'object') node[segment] = {};
      node = node[segment] as Record<string | number, unknown>;
    });
  }
  return root;
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
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > options.maxBytes) {
    const issue = tooLargeIssue(source, bytes, options.maxBytes);
    return { ok: false, error: new ValidationError([issue]) };
  }
  const yaml = readYaml(text, source, options.work);
  if (yaml.syntaxIssues.length > 0) {
    return { ok: false, error: new ValidationError(capIssues([...yaml.syntaxIssues], source)) };
  }
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
  const overrides = options.overrides?.(yaml.value) ?? [];
  const raw = applyOverrides(yaml.value, overrides);
  const result = schema.safeParse(raw);
  const pathIssues = result.success ? [] : describeZodIssues(result.error.issues, schema, raw, options);
  pathIssues.push(...(options.rules?.(raw) ?? []));
  if (pathIssues.length > 0 || !result.success) {
    return { ok: false, error: new ValidationError(placeIssues(yaml, pathIssues, overrides)) };
  }
  return { ok: true, value: result.data };
}
