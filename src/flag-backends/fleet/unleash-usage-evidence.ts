import type { Clock } from '../../time/clock.js';
import type { Scheduled, Ticker } from '../../time/ticker.js';

/** One hourly bucket of Unleash's client metrics for a flag (GET /api/admin/client-metrics/features/:name/raw). */
export interface UsageBucket {
  appName: string;
  environment: string;
  /** The start of the hour the SDKs' reports were summed into. */
  timestamp: Date;
  yes: number;
  no: number;
}

/** Reads Unleash's client metrics of a flag (the unleash backend's admin API). */
export interface UnleashUsageReader {
  featureUsage(feature: string, hoursBack: number): Promise<UsageBucket[]>;
}

/** What Unleash's client metrics say about one application between two reads. */
export interface AppUsage {
  appName: string;
  yes: number;
  no: number;
}

const HOUR = 3_600_000;

/**
 * Per application, the evaluations reported between two reads of the hourly buckets, in one
 * environment: the later read minus the earlier one, over the buckets from the earlier read's hour on
 * (a bucket that rolled over in between is counted whole in the later read).
 */
export function usageBetween(
  before: readonly UsageBucket[],
  after: readonly UsageBucket[],
  environment: string,
  beforeAt: Date,
): AppUsage[] {
  const fromHour = Math.floor(beforeAt.getTime() / HOUR) * HOUR;
  const sum = (buckets: readonly UsageBucket[]) => {
    const byApp = new Map<string, { yes: number; no: number }>();
    for (const b of buckets) {
      if (b.environment !== environment || b.timestamp.getTime() < fromHour) continue;
      const app = byApp.get(b.appName) ?? { yes: 0, no: 0 };
      app.yes += b.yes;
      app.no += b.no;
      byApp.set(b.appName, app);
    }
    return byApp;
  };
  const earlier = sum(before);
  const later = sum(after);
  return [...later]
    .map(([appName, n]) => ({
      appName,
      yes: Math.max(0, n.yes - (earlier.get(appName)?.yes ?? 0)),
      no: Math.max(0, n.no - (earlier.get(appName)?.no ?? 0)),
    }))
    .filter((a) => a.yes + a.no > 0)
    .sort((a, b) => a.appName.localeCompare(b.appName));
}

/**
 * The sentence for notifications and status. Unleash sums each application's reports per hour: it
 * can show that an application reported only "off" evaluations in the window, never which instances
 * reported, which revision they held, or anything about instances that evaluated nothing.
 */
export function describeUsageEvidence(
  apps: readonly AppUsage[],
  window: { fromS: number; toS: number },
): string {
  const span = `${window.fromS}-${window.toS} s after the rollback`;
  if (apps.length === 0) return `Unleash client metrics: no application reported evaluations ${span}`;
  const parts = apps.map(
    (a) => `${a.appName} ${a.yes} on / ${a.no} off${a.yes === 0 ? '' : ' (STILL ON somewhere)'}`,
  );
  const off = apps.filter((a) => a.yes === 0).length;
  return `Unleash client metrics ${span}: off in ${off} of ${apps.length} applications (${parts.join('; ')}); per application and hour only, no instances or revisions`;
}

/**
 * Reads the flag's client metrics `lagMs` from now and again `lagMs` later, then calls `done` with the
 * usage between the reads. A failed read ends it silently (the evidence is a courtesy, not a gate).
 * The handle cancels whichever read is pending.
 */
export function readUsageAfter(
  usage: UnleashUsageReader,
  flag: { name: string; environment: string },
  deps: { ticker: Ticker; clock: Clock; lagMs: number },
  done: (apps: AppUsage[], beforeAt: Date) => Promise<void>,
): Scheduled {
  let pending: Scheduled | undefined;
  let cancelled = false;
  const later = (fn: () => void) => {
    if (!cancelled) pending = deps.ticker.after(deps.lagMs, fn);
  };
  later(() => {
    const beforeAt = deps.clock.now();
    void usage.featureUsage(flag.name, 2).then(
      (before) =>
        later(() => {
          void usage
            .featureUsage(flag.name, 2)
            .then((after) => done(usageBetween(before, after, flag.environment, beforeAt), beforeAt))
            .catch(() => {});
        }),
      () => {},
    );
  });
  return {
    cancel() {
      cancelled = true;
      pending?.cancel();
    },
  };
}
