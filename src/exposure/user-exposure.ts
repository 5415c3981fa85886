import { type ConstraintContext, constraintsMatch } from '../flag-backends/evaluate-constraints.js';
import { normalizedValue } from '../flag-backends/stickiness-hash.js';
import { describeScope, type FlagConstraint } from '../rollout-spec/flag-scope.js';
import type { FlagRef } from '../rollout-spec/rollout-spec-schema.js';
import type { FlagPeriod } from './flag-timeline.js';

/** One account to check: its userId and the context fields the app sends for it. */
export interface ExposureUser {
  userId: string;
  /** Context fields besides userId (top-level ones like sessionId and properties alike). */
  fields: Readonly<Record<string, string>>;
}

/** Whether one account had the flag on at any time in the window. */
export type UserExposure =
  | { userId: string; status: 'exposed'; since: Date; percentage: number; bucket: number | null }
  | { userId: string; status: 'not_exposed'; reason: string }
  | { userId: string; status: 'undecided'; reason: string };

type Decision = { on: true; at: Date; bucket: number | null } | { on: false | 'unknown'; reason: string };

const isDate = (c: FlagConstraint) => c.operator === 'DATE_AFTER' || c.operator === 'DATE_BEFORE';

/**
 * The instants at which the constraints can change their answer within [from, until]: the start
 * and each date constraint's boundary (date constraints are the only ones that depend on time).
 */
function candidateInstants(constraints: readonly FlagConstraint[], from: Date, until: Date): Date[] {
  const times = new Set([from.getTime()]);
  for (const c of constraints.filter(isDate)) {
    const at = Date.parse(c.value ?? '');
    for (const t of [at - 1, at, at + 1]) if (t > from.getTime() && t <= until.getTime()) times.add(t);
  }
  return [...times].sort((a, b) => a - b).map((t) => new Date(t));
}

/** The value the SDK hashes for the account (undefined when the input lacks it or it is random). */
function stickinessOf(flag: FlagRef, user: ExposureUser): string | undefined {
  const field = flag.stickiness;
  if (field === 'default' || field === 'userId') return user.userId;
  return field === 'random' ? undefined : user.fields[field] || undefined;
}

/** The stickiness value the SDK hashes, or why the input cannot give it. */
function stickinessValue(flag: FlagRef, user: ExposureUser, percentage: number): string | Decision {
  const field = flag.stickiness;
  // unleash-client's `default` takes userId first, which every input has.
  if (field === 'default' || field === 'userId') return user.userId;
  if (field === 'random') {
    // A random draw per evaluation: 100 % is everyone, anything less cannot be told per account.
    return percentage >= 100
      ? user.userId
      : { on: 'unknown', reason: 'stickiness random draws per evaluation' };
  }
  const value = user.fields[field];
  if (value === undefined || value === '')
    return { on: 'unknown', reason: `stickiness ${field}: the input has no ${field} for this account` };
  return value;
}

/** What does not depend on the account: computed once per report, not once per account. */
interface Prepared {
  flag: FlagRef;
  constraints: readonly FlagConstraint[];
  groupId: string;
  /** The instants to evaluate the date constraints at, per period. */
  instants: Date[][];
  periods: readonly (FlagPeriod & { until: Date })[];
  scope: string;
}

/** One period, decided as unleash-client would for every evaluation in it. */
function decidePeriod(
  prepared: Prepared,
  user: ExposureUser,
  i: number,
  account: {
    context: ConstraintContext;
    missing: FlagConstraint[];
    known: readonly FlagConstraint[];
    bucket: () => number;
  },
): Decision {
  const { flag } = prepared;
  const p = prepared.periods[i];
  if (!p || p.percentage <= 0) return { on: false, reason: 'the flag served nobody' };
  if (p.unknown) return { on: 'unknown', reason: p.unknown };
  // The scope first: a constraint that fails decides whatever else the input lacks.
  const at = prepared.instants[i]?.find((t) => constraintsMatch(account.known, account.context, t));
  if (at === undefined) return { on: false, reason: `out of scope (${prepared.scope})` };
  const value = stickinessValue(flag, user, p.percentage);
  if (typeof value !== 'string') return value;
  const bucket = flag.stickiness === 'random' ? null : account.bucket();
  if (bucket !== null && bucket > p.percentage)
    return { on: false, reason: `hash bucket ${bucket} > ${p.percentage} %` };
  if (account.missing.length > 0) {
    const fields = [...new Set(account.missing.map((c) => c.contextName))].join(', ');
    return { on: 'unknown', reason: `the scope needs ${fields}, which the input lacks for this account` };
  }
  if ((flag.segments ?? []).length > 0)
    return { on: 'unknown', reason: `segments [${flag.segments?.join(', ')}] are defined in Unleash` };
  return { on: true, at, bucket };
}

function decide(prepared: Prepared, user: ExposureUser): UserExposure {
  const context: ConstraintContext = { ...user.fields, userId: user.userId };
  const missing = prepared.constraints.filter((c) => !isDate(c) && !(c.contextName in context));
  const known =
    missing.length === 0 ? prepared.constraints : prepared.constraints.filter((c) => !missing.includes(c));
  let bucket: number | undefined;
  const account = {
    context,
    missing,
    known,
    bucket: () => {
      bucket ??= normalizedValue(stickinessOf(prepared.flag, user) ?? '', prepared.groupId);
      return bucket;
    },
  };
  const decisions = prepared.periods.map((p, i) => ({ p, d: decidePeriod(prepared, user, i, account) }));
  const on = decisions.find((x) => x.d.on === true);
  if (on && on.d.on === true)
    return {
      userId: user.userId,
      status: 'exposed',
      since: on.d.at,
      percentage: on.p.percentage,
      bucket: on.d.bucket,
    };
  const unknown = decisions.find((x) => x.d.on === 'unknown');
  if (unknown && unknown.d.on !== true)
    return { userId: user.userId, status: 'undecided', reason: unknown.d.reason };
  // The reason of the widest period speaks for the others (same hash, smaller percentages).
  const widest = decisions.reduce<(typeof decisions)[number] | undefined>(
    (best, x) => (best === undefined || x.p.percentage > best.p.percentage ? x : best),
    undefined,
  );
  const reason = widest && widest.d.on === false ? widest.d.reason : 'the flag served nobody';
  return { userId: user.userId, status: 'not_exposed', reason };
}

/**
 * Decides accounts over the clipped `periods` of a window: whether each had the flag on at any
 * time in them, with the SDK's own hash and constraint evaluation: exposed (from when), not
 * exposed (why), or undecided (why: a field the scope or stickiness needs is missing, a hand
 * change, a random stickiness, segments).
 */
export function exposureDecider(
  flag: FlagRef,
  periods: readonly (FlagPeriod & { until: Date })[],
): (user: ExposureUser) => UserExposure {
  const constraints = flag.constraints ?? [];
  const dates = constraints.filter(isDate);
  const prepared: Prepared = {
    flag,
    constraints,
    groupId: flag.groupId ?? flag.name,
    instants: periods.map((p) => candidateInstants(dates, p.from, p.until)),
    periods,
    scope: describeScope({ constraints }),
  };
  return (user) => decide(prepared, user);
}
