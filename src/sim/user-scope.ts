import { type ConstraintContext, constraintsMatch } from '../flag-backends/evaluate-constraints.js';
import type { FlagConstraint } from '../rollout-spec/flag-scope.js';

/** A version just above `v`: the release of a prerelease, else the next patch. */
function semverAbove(v: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)(-[^+]*)?/.exec(v);
  if (!m) return v;
  return m[4] ? `${m[1]}.${m[2]}.${m[3]}` : `${m[1]}.${m[2]}.${Number(m[3]) + 1}`;
}

/** One value that makes a (not inverted) constraint hold, or undefined when none is derived. */
function satisfyingValue(c: FlagConstraint): string | undefined {
  const n = Number(c.value);
  switch (c.operator) {
    case 'IN':
    case 'STR_CONTAINS':
    case 'STR_STARTS_WITH':
    case 'STR_ENDS_WITH':
      return c.values?.find((v) => v.trim() !== '')?.trim();
    case 'NOT_IN':
    case 'DATE_AFTER':
    case 'DATE_BEFORE':
      // NOT_IN holds for a missing field; dates compare the clock, not a context field.
      return undefined;
    case 'NUM_EQ':
    case 'NUM_GTE':
    case 'NUM_LTE':
    case 'SEMVER_EQ':
      return c.value;
    case 'NUM_GT':
      return String(n + 1);
    case 'NUM_LT':
      return String(n - 1);
    case 'SEMVER_GT':
      return semverAbove(c.value ?? '0.0.0');
    case 'SEMVER_LT':
      return '0.0.0-0';
  }
}

/**
 * The context fields a user needs to be in the rollout's scope: for each constraint a value that
 * makes it hold (an inverted constraint holds for a missing field, as in unleash-client). The
 * simulator's users carry it unless the scenario gives `traffic.context`.
 */
export function satisfyingContext(constraints: readonly FlagConstraint[]): Record<string, string> {
  const context: Record<string, string> = {};
  for (const c of constraints) {
    if (c.inverted || c.contextName in context) continue;
    const value = satisfyingValue(c);
    if (value !== undefined) context[c.contextName] = value;
  }
  return context;
}

/**
 * Whether simulated user N is in the rollout's scope, decided by the same rules unleash-client
 * applies to the served constraints. Cached per user unless a date constraint makes it change in time.
 */
export class UserScope {
  private readonly cache: Uint8Array;
  private readonly timeDependent: boolean;

  constructor(
    private readonly constraints: readonly FlagConstraint[],
    /** The user's context fields: one for everyone, or per user (segments carry their own). */
    private readonly properties:
      | Readonly<Record<string, string>>
      | ((user: number) => Readonly<Record<string, string>>),
    users: number,
    private readonly startMs: number,
  ) {
    this.cache = new Uint8Array(constraints.length > 0 ? users + 1 : 0);
    this.timeDependent = constraints.some((c) => c.operator.startsWith('DATE_'));
  }

  /** User `user` (1..N) at simulated time `t` (ms since the start). */
  has(user: number, t: number): boolean {
    if (this.constraints.length === 0) return true;
    if (!this.timeDependent) {
      const cached = this.cache[user] ?? 0;
      if (cached !== 0) return cached === 1;
    }
    const context: ConstraintContext = { userId: `user-${user}`, properties: { ...this.contextOf(user) } };
    const inScope = constraintsMatch(this.constraints, context, new Date(this.startMs + t));
    if (!this.timeDependent) this.cache[user] = inScope ? 1 : 2;
    return inScope;
  }

  private contextOf(user: number): Readonly<Record<string, string>> {
    return typeof this.properties === 'function' ? this.properties(user) : this.properties;
  }
}
