import { z } from 'zod';

/** Unleash's constraint operators that rampart writes and the embedded backend serves. */
export const CONSTRAINT_OPERATORS = [
  'IN',
  'NOT_IN',
  'STR_CONTAINS',
  'STR_STARTS_WITH',
  'STR_ENDS_WITH',
  'NUM_EQ',
  'NUM_GT',
  'NUM_GTE',
  'NUM_LT',
  'NUM_LTE',
  'DATE_AFTER',
  'DATE_BEFORE',
  'SEMVER_EQ',
  'SEMVER_GT',
  'SEMVER_LT',
] as const;
type ConstraintOperator = (typeof CONSTRAINT_OPERATORS)[number];

/** Operators that take a list (`values`); the others take one `value`, as in Unleash. */
const LIST_OPERATORS: ReadonlySet<ConstraintOperator> = new Set([
  'IN',
  'NOT_IN',
  'STR_CONTAINS',
  'STR_STARTS_WITH',
  'STR_ENDS_WITH',
]);

function isListOperator(operator: ConstraintOperator): boolean {
  return LIST_OPERATORS.has(operator);
}

/** Strict semver 2.0 without a leading `v` (unleash-client rejects `v1.2.3`). */
export const SEMVER_PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Why a single `value` is unusable for its operator, or undefined when it is fine. */
function valueProblem(operator: ConstraintOperator, value: string): string | undefined {
  if (operator.startsWith('NUM_') && (value.trim() === '' || !Number.isFinite(Number(value)))) {
    return `"${value}" is not a number (${operator} compares numbers)`;
  }
  if (operator.startsWith('DATE_') && (!ISO_DATE.test(value) || Number.isNaN(Date.parse(value)))) {
    return `"${value}" is not an ISO 8601 date-time with a zone, e.g. 2026-01-31T09:00:00Z`;
  }
  if (operator.startsWith('SEMVER_') && !SEMVER_PATTERN.test(value)) {
    return `"${value}" is not a semantic version like 1.2.3 (no leading v)`;
  }
  return undefined;
}

/** One Unleash constraint, as the Admin API takes it. */
export const constraintSchema = z
  .strictObject({
    contextName: z.string().min(1),
    operator: z.enum(CONSTRAINT_OPERATORS),
    values: z.array(z.string()).optional(),
    value: z.string().optional(),
    inverted: z.boolean().default(false),
    caseInsensitive: z.boolean().default(false),
  })
  .superRefine((c, ctx) => {
    if (isListOperator(c.operator)) {
      if (c.value !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['value'],
          message: `${c.operator} takes a list: write values: [...] instead of value`,
        });
      } else if (!c.values?.some((v) => v.trim() !== '')) {
        ctx.addIssue({
          code: 'custom',
          path: ['values'],
          message: `${c.operator} needs at least one non-empty entry in values`,
        });
      }
      return;
    }
    if (c.values !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['values'],
        message: `${c.operator} takes one value: write value: ... instead of values`,
      });
      return;
    }
    if (c.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${c.operator} needs a value` });
      return;
    }
    const problem = valueProblem(c.operator, c.value);
    if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
  });

export type FlagConstraint = z.output<typeof constraintSchema>;

/**
 * A constraint as a backend stores or serves it: defaults may be spelled out or null, and the
 * operator may be one this rampart never writes (SDKs evaluate whatever a backend serves).
 */
export interface ServedConstraint {
  contextName: string;
  operator: string;
  values?: readonly string[] | null;
  value?: string | null;
  inverted?: boolean | null;
  caseInsensitive?: boolean | null;
}

/** Who the flag may reach at all: every constraint and every segment must match (AND). */
export interface FlagScope {
  constraints: FlagConstraint[];
  /** Segment names (Unleash only). */
  segments: string[];
}

/**
 * A constraint in one canonical form, so a constraint read back from a backend compares equal to the
 * spec's whatever the order of its values or which defaults the backend spelled out.
 */
export function canonicalConstraint(c: ServedConstraint): FlagConstraint {
  const list = isListOperator(c.operator as ConstraintOperator);
  const base = {
    contextName: c.contextName,
    operator: c.operator as ConstraintOperator,
    inverted: c.inverted === true,
    caseInsensitive: c.caseInsensitive === true,
  };
  return list ? { ...base, values: [...new Set(c.values ?? [])].sort() } : { ...base, value: c.value ?? '' };
}

/** A scope as written or read back, before it is made canonical. */
export interface ScopeInput {
  constraints?: readonly Parameters<typeof canonicalConstraint>[0][];
  segments?: readonly string[];
}

/** The scope in canonical form: constraints canonical and sorted (their order does not matter), segments sorted. */
export function canonicalScope(scope: ScopeInput): FlagScope {
  const constraints = (scope.constraints ?? []).map(canonicalConstraint);
  constraints.sort((a, b) => constraintKey(a).localeCompare(constraintKey(b)));
  return { constraints, segments: [...new Set(scope.segments ?? [])].sort() };
}

function constraintKey(c: FlagConstraint): string {
  return JSON.stringify([c.contextName, c.operator, c.values ?? c.value, c.inverted, c.caseInsensitive]);
}

/** Whether two scopes let the same users in, compared canonically. */
export function sameScope(a: ScopeInput, b: ScopeInput): boolean {
  return JSON.stringify(canonicalScope(a)) === JSON.stringify(canonicalScope(b));
}

/** A scope for people: `accountType IN [staff], segments [beta]`, or `everyone`. */
export function describeScope(scope: ScopeInput): string {
  const { constraints, segments } = canonicalScope(scope);
  const parts = constraints.map((c) => {
    const what = c.values ? `[${c.values.join(', ')}]` : c.value;
    const flags = `${c.caseInsensitive ? ' (case-insensitive)' : ''}`;
    return `${c.contextName} ${c.inverted ? 'NOT ' : ''}${c.operator} ${what}${flags}`;
  });
  if (segments.length > 0) parts.push(`segments [${segments.join(', ')}]`);
  return parts.length > 0 ? parts.join(' AND ') : 'everyone';
}
