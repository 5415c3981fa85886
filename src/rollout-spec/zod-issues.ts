import type { z } from 'zod';
import { didYouMean } from './did-you-mean.js';
import type { FieldPath, PathSegment } from './field-path.js';
import { describeType, quote, valueAt } from './field-path.js';
import type { ParseWork } from './parse-work.js';

/** A problem at a field path, before it is placed in a file. */
export interface PathIssue {
  path: FieldPath;
  /** Point at the field's key (unknown fields) or at its value (everything else). */
  at: 'key' | 'value';
  message: string;
  /** A 1-based position inside the string value (e.g. a PromQL syntax error), placed in the file if possible. */
  inner?: { line: number; column: number };
}

type ZodIssue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

/**
 * Decides which branch of a failed union the user meant. Return that branch's issues, `[]` to
 * drop the union issue (a rule reports it better), or undefined for the generic message.
 */
export type UnionResolver = (
  issue: z.core.$ZodIssueInvalidUnion,
  path: FieldPath,
  input: unknown,
) => readonly ZodIssue[] | undefined;

export interface DescribeOptions {
  resolveUnion?: UnionResolver | undefined;
  /** Replaces a value before a message quotes it (e.g. a URL with its credentials hidden). */
  redact?: ((value: unknown) => unknown) | undefined;
  work?: ParseWork | undefined;
}

/** Unknown keys of one mapping described one by one (a file shows at most 100 issues anyway). */
const UNKNOWN_KEYS_DESCRIBED = 100;

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (;;) {
    const def = current._zod.def as { type: string; innerType?: AnySchema; in?: AnySchema };
    if (WRAPPERS.has(def.type) && def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
}

function objectKeys(schema: AnySchema): string[] | undefined {
  const def = unwrap(schema)._zod.def as { type: string; shape?: Record<string, AnySchema> };
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : undefined;
}

/** The union option the user meant: by discriminator value, else the one covering most written keys. */
function pickOption(
  options: readonly AnySchema[],
  discriminator: string | undefined,
  raw: unknown,
): AnySchema | undefined {
  if (raw === null || typeof raw !== 'object') return options[0];
  const record = raw as Record<string, unknown>;
  if (discriminator !== undefined) {
    return options.find((option) => {
      const def = unwrap(option)._zod.def as { shape?: Record<string, AnySchema> };
      const literal = def.shape?.[discriminator]?._zod.def as { values?: unknown[] } | undefined;
      return literal?.values?.includes(record[discriminator]) ?? false;
    });
  }
  const written = Object.keys(record);
  let best: AnySchema | undefined;
  let bestScore = -1;
  for (const option of options) {
    const keys = objectKeys(option) ?? [];
    const score = written.filter((key) => keys.includes(key) && key !== 'name').length;
    if (score > bestScore) {
      best = option;
      bestScore = score;
    }
  }
  return best;
}

/** Field names an object at `path` accepts, found by walking the schema along the input. */
export function allowedKeysAt(schema: AnySchema, path: FieldPath, input: unknown): string[] | undefined {
  let current: AnySchema | undefined = schema;
  const walked: PathSegment[] = [];
  const step = (s: AnySchema): AnySchema => {
    const inner = unwrap(s);
    const def = inner._zod.def as { type: string; options?: AnySchema[]; discriminator?: string };
    if (def.type === 'union' && def.options) {
      return unwrap(pickOption(def.options, def.discriminator, valueAt(input, walked)) ?? inner);
    }
    return inner;
  };
  for (const segment of path) {
    if (!current) return undefined;
    const def = step(current)._zod.def as {
      type: string;
      shape?: Record<string, AnySchema>;
      element?: AnySchema;
      valueType?: AnySchema;
    };
    if (def.type === 'object') current = def.shape?.[String(segment)];
    else if (def.type === 'array') current = def.element;
    else if (def.type === 'record') current = def.valueType;
    else return undefined;
    walked.push(segment);
  }
  return current ? objectKeys(step(current)) : undefined;
}

const EXPECTED: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  record: 'a mapping',
};

function describe(issue: ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type': {
      // A schema may say what it expects in words (`z.string({ error: '...' })`); zod's own text starts "Invalid".
      const expected = issue.message.startsWith('Invalid')
        ? (EXPECTED[issue.expected] ?? issue.expected)
        : issue.message;
      if (value === undefined) return `required; expected ${expected}`;
      return `${quote(value)} is ${describeType(value)}; expected ${expected}`;
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const limit = String(small ? issue.minimum : issue.maximum);
      const side = small ? 'at least' : 'at most';
      if (issue.origin === 'array') {
        return `${quote(value)} has ${Array.isArray(value) ? value.length : 0} items; needs ${side} ${limit}`;
      }
      if (issue.origin === 'string' && !small && typeof value === 'string') {
        return `${quote(value)} is too long (${value.length} characters); at most ${limit} characters allowed`;
      }
      if (issue.origin === 'string')
        return `${quote(value)} is not allowed; needs ${side} ${limit} characters`;
      return `${quote(value)} is not allowed; must be ${small ? '>' : '<'}${issue.inclusive ? '=' : ''} ${limit}`;
    }
    case 'invalid_value': {
      const allowed = issue.values.map((v) => quote(v)).join(' | ');
      if (value === undefined) return `required; allowed: ${allowed}`;
      const names = issue.values.filter((v): v is string => typeof v === 'string');
      const suggestion = typeof value === 'string' ? didYouMean(value, names) : undefined;
      const hint = suggestion ? ` did you mean ${quote(suggestion)}?` : '';
      return `${quote(value)} is not allowed;${hint} allowed: ${allowed}`;
    }
    case 'invalid_format':
      if (issue.message.startsWith('must ')) return `${quote(value)} is not allowed; ${issue.message}`;
      return `${quote(value)} is not allowed; expected ${issue.format === 'regex' ? `to match ${issue.pattern}` : `a ${issue.format}`}`;
    case 'custom':
      return issue.message.includes(quote(value)) ? issue.message : `${quote(value)}: ${issue.message}`;
    default:
      return `${quote(value)}: ${issue.message}`;
  }
}

/**
 * Turns zod issues into messages a spec author can act on: every one names the offending value
 * and what is allowed; unknown fields get a did-you-mean from the schema's own field names.
 */
export function describeZodIssues(
  issues: readonly ZodIssue[],
  schema: AnySchema,
  input: unknown,
  options: DescribeOptions = {},
  prefix: FieldPath = [],
): PathIssue[] {
  const { resolveUnion, redact = (v: unknown) => v, work } = options;
  const out: PathIssue[] = [];
  for (const issue of issues) {
    const path: FieldPath = [...prefix, ...(issue.path as PathSegment[])];
    const value = redact(valueAt(input, path));
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeysAt(schema, path, input) ?? [];
      // At most 100 issues of a file are shown: keys past that are counted, not described.
      const extra = issue.keys.length - UNKNOWN_KEYS_DESCRIBED;
      if (extra > 0) {
        out.push({ path, at: 'key', message: `and ${extra} more unknown fields (not shown)` });
      }
      for (const key of issue.keys.slice(0, UNKNOWN_KEYS_DESCRIBED)) {
        const suggestion = didYouMean(key, allowed, work);
        const hint = suggestion ? `; did you mean ${quote(suggestion)}?` : '';
        out.push({
          path: [...path, key],
          at: 'key',
          message: `unknown field ${quote(key)}${hint} allowed: ${allowed.join(', ')}`,
        });
      }
    } else if (issue.code === 'invalid_key') {
      const key = path[path.length - 1];
      const inner = issue.issues[0];
      const why = inner?.message.startsWith('must ') ? inner.message : 'not allowed as a key here';
      out.push({ path, at: 'key', message: `key ${quote(key)} is not allowed; ${why}` });
    } else if (issue.code === 'invalid_union') {
      const discriminated = issue as { note?: string; options?: unknown[] };
      if (discriminated.options) {
        out.push({
          path,
          at: 'value',
          message: describe(
            { ...issue, code: 'invalid_value', values: discriminated.options } as ZodIssue,
            value,
          ),
        });
        continue;
      }
      const branch = resolveUnion?.(issue, path, input);
      if (branch) out.push(...describeZodIssues(branch, schema, input, options, path));
      else out.push({ path, at: 'value', message: `${quote(value)} does not match any allowed form` });
    } else {
      out.push({ path, at: 'value', message: describe(issue, value) });
    }
  }
  return out;
}
