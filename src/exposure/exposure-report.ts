import type { AuditEntry } from '../rollout/audit.js';
import { describeScope } from '../rollout-spec/flag-scope.js';
import type { FlagRef } from '../rollout-spec/rollout-spec-schema.js';
import { flagTimeline, periodsIn } from './flag-timeline.js';
import { type ExposureUser, exposureDecider, type UserExposure } from './user-exposure.js';

export interface ExposureQuery {
  from: Date;
  to: Date;
  /** The accounts to decide one by one; absent: only the estimate. */
  users?: readonly ExposureUser[];
  /** In-scope accounts (those the scope admits, with the stickiness field), when known. */
  population?: number;
}

/** Who had a rollout's flag on in a window, from its audit log. */
export interface ExposureReport {
  rollout: string;
  flag: { name: string; stickiness: string; groupId: string; scope: string; segments: string[] };
  window: { from: Date; to: Date };
  /** What the flag served within the window (clipped), oldest first. */
  timeline: { from: Date; until: Date; percentage: number; unknown?: string }[];
  /** The highest percentage served in the window: every in-scope account hashed at or below it was on. */
  maxPercentage: number;
  /** Parts of the window where the audit log cannot tell what the flag served. */
  unknown: string[];
  estimate: { share: number; population: number | null; exposed: number | null };
  users?: {
    exposed: number;
    notExposed: number;
    undecided: number;
    results: UserExposure[];
  };
}

/**
 * The blast radius of a rollout's flag in [from, to]: the percentage timeline from the audit
 * log, then per account the SDK's own decision (stickiness hash, group, scope) over it; without
 * accounts, the share of in-scope accounts that were on (buckets are nested: the highest
 * percentage of the window is the share).
 */
export function exposureReport(
  rollout: string,
  flag: FlagRef,
  audit: readonly AuditEntry[],
  query: ExposureQuery,
): ExposureReport {
  const periods = periodsIn(flagTimeline(audit), query.from, query.to).map((p) => ({
    ...p,
    until: p.until ?? query.to,
  }));
  const maxPercentage = Math.max(0, ...periods.map((p) => p.percentage));
  const population = query.population ?? null;
  const report: ExposureReport = {
    rollout,
    flag: {
      name: flag.name,
      stickiness: flag.stickiness,
      groupId: flag.groupId ?? flag.name,
      scope: describeScope({ constraints: flag.constraints ?? [] }),
      segments: flag.segments ?? [],
    },
    window: { from: query.from, to: query.to },
    timeline: periods,
    maxPercentage,
    unknown: [...new Set(periods.flatMap((p) => (p.unknown ? [p.unknown] : [])))],
    estimate: {
      share: maxPercentage / 100,
      population,
      exposed: population === null ? null : Math.round((population * maxPercentage) / 100),
    },
  };
  if (query.users) {
    const results = query.users.map(exposureDecider(flag, periods));
    const count = (s: UserExposure['status']) => results.filter((r) => r.status === s).length;
    report.users = {
      exposed: count('exposed'),
      notExposed: count('not_exposed'),
      undecided: count('undecided'),
      results,
    };
  }
  return report;
}
