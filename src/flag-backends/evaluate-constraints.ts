import { SEMVER_PATTERN, type ServedConstraint } from '../rollout-spec/flag-scope.js';

/** An Unleash context as unleash-client takes it: top-level fields and `properties`. */
export interface ConstraintContext {
  [field: string]: unknown;
  currentTime?: Date | string;
  properties?: Record<string, unknown>;
}

/** unleash-client's resolveContextValue: the field, else the property; stringified. */
function contextValue(context: ConstraintContext, field: string): string | undefined {
  const value = context[field] ?? context.properties?.[field];
  return value === undefined || value === null ? undefined : String(value);
}

const cleanValues = (values: readonly string[] | null | undefined): string[] =>
  (values ?? []).filter((v) => !!v).map((v) => v.trim());

type Semver = { main: [number, number, number]; pre: string[] };

function parseSemver(text: string): Semver | undefined {
  const m = SEMVER_PATTERN.exec(text.trim());
  if (!m) return undefined;
  return { main: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ? m[4].split('.') : [] };
}

/** Semver 2.0 precedence (build metadata ignored), as the `semver` package unleash-client uses. */
function compareSemver(a: Semver, b: Semver): number {
  for (let i = 0; i < 3; i++)
    if (a.main[i] !== b.main[i]) return (a.main[i] ?? 0) < (b.main[i] ?? 0) ? -1 : 1;
  if (a.pre.length === 0 || b.pre.length === 0) return b.pre.length - a.pre.length;
  for (let i = 0; i < Math.max(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i];
    const y = b.pre[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    if (x === y) continue;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    if (xn && yn) return Number(x) < Number(y) ? -1 : 1;
    if (xn !== yn) return xn ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

function semverOp(c: ServedConstraint, actual: string | undefined): boolean {
  // unleash-client refuses a context version with a leading v even where semver would take it.
  if (!actual || actual.startsWith('v')) return false;
  const have = parseSemver(actual);
  const want = parseSemver(c.value ?? '');
  if (!have || !want) return false;
  const order = compareSemver(have, want);
  const results: Record<string, boolean> = {
    SEMVER_EQ: order === 0,
    SEMVER_GT: order > 0,
    SEMVER_LT: order < 0,
    SEMVER_GTE: order >= 0,
    SEMVER_LTE: order <= 0,
  };
  return results[c.operator] ?? false;
}

function numberOp(c: ServedConstraint, actual: string | undefined): boolean {
  const want = Number(c.value);
  const have = Number(actual);
  if (Number.isNaN(want) || Number.isNaN(have)) return false;
  const results: Record<string, boolean> = {
    NUM_EQ: have === want,
    NUM_GT: have > want,
    NUM_GTE: have >= want,
    NUM_LT: have < want,
    NUM_LTE: have <= want,
  };
  return results[c.operator] ?? false;
}

function stringOp(c: ServedConstraint, actual: string | undefined): boolean {
  let values = cleanValues(c.values);
  let have = actual;
  if (c.caseInsensitive) {
    values = values.map((v) => v.toLocaleLowerCase());
    have = have?.toLocaleLowerCase();
  }
  if (typeof have !== 'string') return false;
  const s = have;
  if (c.operator === 'STR_STARTS_WITH') return values.some((v) => s.startsWith(v));
  if (c.operator === 'STR_ENDS_WITH') return values.some((v) => s.endsWith(v));
  return values.some((v) => s.includes(v));
}

function dateOp(c: ServedConstraint, context: ConstraintContext, now: Date): boolean {
  const want = new Date(c.value ?? '');
  const at = context.currentTime !== undefined ? new Date(context.currentTime) : now;
  return c.operator === 'DATE_AFTER' ? at > want : at < want;
}

function operatorHolds(c: ServedConstraint, context: ConstraintContext, now: Date): boolean {
  const actual = contextValue(context, c.contextName);
  switch (c.operator) {
    case 'IN':
    case 'NOT_IN': {
      const isIn = cleanValues(c.values).some((v) => v === actual);
      return c.operator === 'IN' ? isIn : !isIn;
    }
    case 'STR_STARTS_WITH':
    case 'STR_ENDS_WITH':
    case 'STR_CONTAINS':
      return stringOp(c, actual);
    case 'DATE_AFTER':
    case 'DATE_BEFORE':
      return dateOp(c, context, now);
    default:
      if (c.operator.startsWith('NUM_')) return numberOp(c, actual);
      if (c.operator.startsWith('SEMVER_')) return semverOp(c, actual);
      // An operator this evaluator does not know (REGEX, IN_CIDR, a typo) fails, as in unleash-client.
      return false;
  }
}

/**
 * Whether every constraint holds for `context`, exactly as unleash-client 6 decides it (checked
 * against @unleash/client-specification). `now` stands in for a context without `currentTime`, so
 * the simulator evaluates date constraints on its virtual clock.
 */
export function constraintsMatch(
  constraints: readonly ServedConstraint[],
  context: ConstraintContext,
  now: Date,
): boolean {
  return constraints.every((c) => operatorHolds(c, context, now) !== (c.inverted === true));
}
