import type { ManualClock } from './manual-clock.js';
import type { Scheduled, Ticker } from './ticker.js';

interface Timer {
  id: number;
  dueAt: number;
  /** Repeat interval; undefined for a one-shot. */
  every: number | undefined;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A Ticker driven by a ManualClock. `advance(ms)` moves the clock timer by timer and runs every
 * callback that falls due, in due order (ties in scheduling order), letting pending promises settle
 * after each one so async work started by a callback finishes at the virtual time it started.
 */
export class ManualTicker implements Ticker {
  private timers: Timer[] = [];
  private nextId = 1;

  constructor(readonly clock: ManualClock) {}

  after(ms: number, fn: () => void): Scheduled {
    return this.add(ms, undefined, fn);
  }

  every(ms: number, fn: () => void): Scheduled {
    if (!(ms > 0)) throw new RangeError(`interval must be > 0 ms, got ${ms}`);
    return this.add(ms, ms, fn);
  }

  /** Number of live timers (for tests). */
  get pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Advances the clock by `ms`, running due callbacks in order. */
  async advance(ms: number): Promise<void> {
    const end = this.clock.now().getTime() + ms;
    for (;;) {
      const next = this.nextDue(end);
      if (!next) break;
      this.clock.set(next.dueAt);
      if (next.every === undefined) next.cancelled = true;
      else next.dueAt += next.every;
      this.timers = this.timers.filter((t) => !t.cancelled);
      next.fn();
      await settle();
    }
    this.clock.set(end);
    await settle();
  }

  private nextDue(end: number): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers) {
      if (t.cancelled || t.dueAt > end) continue;
      if (!best || t.dueAt < best.dueAt || (t.dueAt === best.dueAt && t.id < best.id)) best = t;
    }
    return best;
  }

  private add(ms: number, every: number | undefined, fn: () => void): Scheduled {
    const timer: Timer = {
      id: this.nextId++,
      dueAt: this.clock.now().getTime() + Math.max(0, ms),
      every,
      fn,
      cancelled: false,
    };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }
}

/** Lets every queued promise continuation run (one macrotask turn drains the microtask queue). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
