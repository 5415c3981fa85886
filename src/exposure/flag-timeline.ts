import type { AuditEntry } from '../rollout/audit.js';

/** What rampart's strategy served over one stretch of time, as the audit log tells it. */
export interface FlagPeriod {
  from: Date;
  /** Exclusive; null while it still lasts. */
  until: Date | null;
  /** The rollout percentage served (0: nobody). */
  percentage: number;
  /** Why the audit log cannot tell what the flag served then (a hand change, an older flag config). */
  unknown?: string;
}

/** The entries that let users in: the step write is executed right after its decision. */
const STEP_MOVES = new Set(['started', 'advanced', 'promoted']);

const flagChanged = (e: AuditEntry): boolean => {
  const changes = (e.evidence as { changes?: unknown } | null)?.changes;
  return e.action === 'spec_reloaded' && Array.isArray(changes) && changes.includes('flag');
};

/**
 * The percentage timeline of a rollout's flag from its audit log (any order; sorted by seq here),
 * erring towards exposure wherever the log is not exact:
 * - a step counts from its decision (its write follows at once, and is retried if it fails);
 * - a rollback counts only from `rollback_confirmed`, when the flag was read back off;
 * - after a hand change (`external_change`) what the flag served is unknown until rampart writes
 *   it again (a resume that re-asserts the step, or a confirmed rollback);
 * - a spec reload that changed `flag` (scope, stickiness, group: allowed only while pending) makes
 *   the percentages before it unknown for users, since the log does not keep the earlier config.
 */
export function flagTimeline(entries: readonly AuditEntry[]): FlagPeriod[] {
  const sorted = [...entries].sort((a, b) => a.seq - b.seq);
  const periods: FlagPeriod[] = [];
  const first = sorted[0];
  if (!first) return periods;
  let current: FlagPeriod = { from: first.at, until: null, percentage: 0 };
  const move = (at: Date, next: Omit<FlagPeriod, 'from' | 'until'>) => {
    if (current.percentage === next.percentage && current.unknown === next.unknown) return;
    if (at.getTime() > current.from.getTime()) periods.push({ ...current, until: at });
    current = { from: at, until: null, ...next };
  };
  for (const e of sorted) {
    if (STEP_MOVES.has(e.action) || (e.action === 'resumed' && current.unknown !== undefined)) {
      move(e.at, { percentage: e.toPercentage ?? 0 });
    } else if (e.action === 'rollback_confirmed') {
      move(e.at, { percentage: 0 });
    } else if (e.action === 'external_change') {
      const read = (e.evidence as { read?: { enabled?: boolean; percentage?: number } } | null)?.read;
      const seen = read?.enabled ? `on at ${read.percentage ?? '?'} %` : 'off';
      move(e.at, {
        percentage: current.percentage,
        unknown: `the flag was changed by hand (read ${seen} at ${e.at.toISOString()}); what it served until rampart wrote it again is not audited`,
      });
    }
  }
  periods.push(current);
  const lastFlagChange = sorted.filter(flagChanged).at(-1);
  if (!lastFlagChange) return periods;
  const cut = lastFlagChange.at.getTime();
  const why = `the flag's scope or stickiness changed by a spec reload at ${lastFlagChange.at.toISOString()}; the audit log does not keep the earlier one`;
  return periods.map((p) =>
    p.from.getTime() < cut && p.percentage > 0 && p.unknown === undefined ? { ...p, unknown: why } : p,
  );
}

/** The periods that overlap `[from, to]` (both inclusive), clipped to it. */
export function periodsIn(periods: readonly FlagPeriod[], from: Date, to: Date): FlagPeriod[] {
  return periods.flatMap((p) => {
    if (p.from.getTime() > to.getTime()) return [];
    if (p.until !== null && p.until.getTime() <= from.getTime()) return [];
    const start = p.from.getTime() < from.getTime() ? from : p.from;
    const end = p.until === null || p.until.getTime() > to.getTime() ? to : p.until;
    return [{ ...p, from: start, until: end }];
  });
}
