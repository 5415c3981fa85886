import { exponential, seededRandom } from '../../sim/prng.js';
import { type Clock, systemClock } from '../../time/clock.js';
import type { Scheduled, Ticker } from '../../time/ticker.js';
import { demoUserIds } from '../login-service/user-directory.js';
import type { LoginApi } from './login-api.js';
import { runStaffVisit, type VisitBehaviour, type VisitContext } from './staff-visit.js';
import { emptyStats, type TrafficStats } from './traffic-stats.js';

export interface TrafficGeneratorOptions {
  api: LoginApi;
  ticker: Ticker;
  clock?: Clock;
  /** Mean visits per second (Poisson arrivals). */
  ratePerSecond: number;
  /** Users `user-1` .. `user-N` visit uniformly at random; must match the service. */
  users: number;
  /** Seed of the PRNG (arrival times, users, typos, logouts); default 1. */
  seed?: number;
  /** Visits running at once; arrivals beyond are dropped and counted. Default 32. */
  maxConcurrent?: number;
  behaviour?: Partial<VisitBehaviour>;
}

const DEFAULT_BEHAVIOUR: VisitBehaviour = {
  maxRetries: 2,
  retryDelayMs: 500,
  maxRelogins: 5,
  logoutProbability: 0.3,
  typoProbability: 0.02,
};

/** Virtual staff logging in to the demo service at a Poisson rate, over the LoginApi. */
export class TrafficGenerator {
  private readonly stats = emptyStats();
  private readonly secrets = new Map<string, string>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly waits = new Set<() => void>();
  private readonly abort = new AbortController();
  private readonly ctx: VisitContext;
  private readonly userIds: string[];
  private readonly maxConcurrent: number;
  private next: Scheduled | undefined;
  private started = false;
  private stopping = false;

  constructor(private readonly options: TrafficGeneratorOptions) {
    if (!(options.ratePerSecond > 0))
      throw new RangeError(`ratePerSecond must be > 0, got ${options.ratePerSecond}`);
    this.maxConcurrent = options.maxConcurrent ?? 32;
    if (!(this.maxConcurrent >= 1))
      throw new RangeError(`maxConcurrent must be >= 1, got ${this.maxConcurrent}`);
    this.userIds = demoUserIds(options.users);
    this.ctx = {
      api: options.api,
      clock: options.clock ?? systemClock,
      prng: seededRandom(options.seed ?? 1),
      stats: this.stats,
      behaviour: { ...DEFAULT_BEHAVIOUR, ...options.behaviour },
      secrets: this.secrets,
      signal: this.abort.signal,
      delay: (ms) => this.delay(ms),
    };
  }

  /** Starts the arrivals; calling it twice is an error. */
  start(): void {
    if (this.started) throw new Error('traffic generator already started');
    this.started = true;
    this.schedule();
  }

  /**
   * Stops arrivals, lets running visits finish for up to `graceMs` (default 0), then aborts the
   * rest (their waits and requests) and resolves once every visit has ended. Aborted requests are
   * not counted, so a grace period makes the summary match the service's counters exactly.
   */
  async stop(options: { graceMs?: number } = {}): Promise<void> {
    this.stopping = true;
    this.next?.cancel();
    this.next = undefined;
    const graceMs = options.graceMs ?? 0;
    if (graceMs > 0 && this.inFlight.size > 0) {
      let timer: Scheduled | undefined;
      await Promise.race([
        Promise.allSettled([...this.inFlight]),
        new Promise<void>((resolve) => {
          timer = this.options.ticker.after(graceMs, resolve);
        }),
      ]);
      timer?.cancel();
    }
    this.abort.abort();
    for (const wake of [...this.waits]) wake();
    await Promise.allSettled([...this.inFlight]);
  }

  /** A copy of the counters so far. */
  summary(): TrafficStats {
    return { ...this.stats };
  }

  /** Visits running now. */
  get running(): number {
    return this.inFlight.size;
  }

  private schedule(): void {
    if (this.stopping) return;
    // Timers have millisecond resolution; whole milliseconds keep virtual tickers monotonic too.
    const wait = Math.round(exponential(this.ctx.prng.next(), this.options.ratePerSecond) * 1000);
    this.next = this.options.ticker.after(wait, () => {
      this.arrive();
      this.schedule();
    });
  }

  private arrive(): void {
    this.stats.arrivals++;
    const n = this.userIds.length;
    const userId = this.userIds[Math.min(n - 1, Math.floor(this.ctx.prng.next() * n))];
    if (userId === undefined || this.inFlight.size >= this.maxConcurrent) {
      this.stats.dropped++;
      return;
    }
    const visit = runStaffVisit(this.ctx, userId).catch(() => {
      // A bug in a visit must not kill the generator; count it like a failed request.
      this.stats.errors++;
    });
    this.inFlight.add(visit);
    void visit.finally(() => this.inFlight.delete(visit));
  }

  private delay(ms: number): Promise<void> {
    if (this.abort.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        scheduled.cancel();
        this.waits.delete(wake);
        resolve();
      };
      const scheduled = this.options.ticker.after(Math.round(ms), wake);
      this.waits.add(wake);
    });
  }
}
