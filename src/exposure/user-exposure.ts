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

/** One period, decided as unleash-client would for every evaluation in it. */
function decidePeriod(flag: FlagRef, user: ExposureUser, p: FlagPeriod & { until: Date }): Decision {
  if (p.percentage <= 0) return { on: false, reason: 'the flag served nobody' };
  if (p.unknown) return { on: 'unknown', reason: p.unknown };
  // The scope first: a constraint that fails decides whatever else the input lacks.
  const constraints = flag.constraints ?? [];
  const context = contextOf(user);
  const missing = constraints.filter((c) => !isDate(c) && !(c.contextName in context));
  const known = constraints.filter((c) => !missing.includes(c));
  const at = candidateInstants(known, p.from, p.until).find((t) => constraintsMatch(known, context, t));
  if (at === undefined) return { on: false, reason: `out of scope (${describeScope({ constraints })})` };
  const value = stickinessValue(flag, user, p.percentage);
  if (typeof value !== 'string') return value;
  const bucket = flag.stickiness === 'random' ? null : normalizedValue(value, flag.groupId ?? flag.name);
  if (bucket !== null && bucket > p.percentage)
    return { on: false, reason: `hash bucket ${bucket} > ${p.percentage} %` };
  if (missing.length > 0) {
    const fields = [...new Set(missing.map((c) => c.contextName))].join(', ');
    return { on: 'unknown', reason: `the scope needs ${fields}, which the input lacks for this account` };
  }
  if ((flag.segments ?? []).length > 0)
    return { on: 'unknown', reason: `segments [${flag.segments?.join(', ')}] are defined in Unleash` };
  return { on: true, at, bucket };
}

function contextOf(user: ExposureUser): ConstraintContext {
  return { ...user.fields, userId: user.userId };
}

/**
 * Whether `user` had the flag on at any time in the clipped `periods` of a window, with the SDK's
 * own hash and constraint evaluation: exposed (from when), not exposed (why), or undecided (why:
 * a field the scope or stickiness needs is missing, a hand change, a random stickiness, segments).
 */
export function userExposure(
  flag: FlagRef,
  user: ExposureUser,
  periods: readonly (FlagPeriod & { until: Date })[],
): UserExposure {
  const decisions = periods.map((p) => ({ p, d: decidePeriod(flag, user, p) }));
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
