import type { Clock } from '../../time/clock.js';

/** How an SDK instance reached the client API. */
export type FleetChannel = 'register' | 'metrics' | 'features' | 'delta' | 'streaming';

/** One SDK instance (appName + instanceId) the embedded client API has served. */
export interface FleetInstance {
  appName: string;
  instanceId: string;
  lastSeenAt: Date;
  lastChannel: FleetChannel;
  /** The newest flag revision it fetched (or was pushed), and when it first got it. */
  revision?: number;
  fetchedAt?: Date;
}

export interface FleetTrackerOptions {
  clock: Clock;
  /** Instances kept; the least recently seen is forgotten beyond it. */
  maxInstances?: number;
}

interface Entry extends FleetInstance {
  /** First time each recent revision was fetched, ascending; bounded to HISTORY. */
  history: { revision: number; at: Date }[];
}

const HISTORY = 8;

/**
 * Remembers which SDK instances fetched which flag revision, in bounded memory, so a rollback can be
 * confirmed against the fleet (fleet-confirmation.ts) instead of against the backend alone.
 */
export class FleetTracker {
  private readonly entries = new Map<string, Entry>();
  private readonly max: number;

  constructor(private readonly options: FleetTrackerOptions) {
    this.max = options.maxInstances ?? 10_000;
  }

  /** A request from the instance that carries no revision (register, metrics). */
  seen(appName: string, instanceId: string, channel: FleetChannel): void {
    this.touch(appName, instanceId, channel);
  }

  /** The instance now has `revision`: it fetched it (200 or 304) or a stream pushed it. */
  fetched(appName: string, instanceId: string, channel: FleetChannel, revision: number): void {
    const entry = this.touch(appName, instanceId, channel);
    const last = entry.history.at(-1);
    if (last && last.revision >= revision) return;
    entry.history.push({ revision, at: entry.lastSeenAt });
    if (entry.history.length > HISTORY) entry.history.shift();
    entry.revision = revision;
    entry.fetchedAt = entry.lastSeenAt;
  }

  /** Instances seen within `withinMs` of now, most recently seen first. */
  active(withinMs: number): FleetInstance[] {
    const since = this.options.clock.now().getTime() - withinMs;
    return [...this.entries.values()]
      .filter((e) => e.lastSeenAt.getTime() >= since)
      .reverse()
      .map(({ history: _history, ...instance }) => ({ ...instance }));
  }

  /** When the instance first had `revision` or a newer one (undefined: not yet, or forgotten). */
  firstAt(appName: string, instanceId: string, revision: number): Date | undefined {
    return this.entries.get(keyOf(appName, instanceId))?.history.find((h) => h.revision >= revision)?.at;
  }

  get size(): number {
    return this.entries.size;
  }

  private touch(appName: string, instanceId: string, channel: FleetChannel): Entry {
    const key = keyOf(appName, instanceId);
    const now = this.options.clock.now();
    const entry = this.entries.get(key) ?? {
      appName,
      instanceId,
      lastSeenAt: now,
      lastChannel: channel,
      history: [],
    };
    // Re-insert so the map's order is least recently seen first: eviction takes the head.
    this.entries.delete(key);
    entry.lastSeenAt = now;
    entry.lastChannel = channel;
    this.entries.set(key, entry);
    while (this.entries.size > this.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return entry;
  }
}

const keyOf = (appName: string, instanceId: string) => JSON.stringify([appName, instanceId]);
