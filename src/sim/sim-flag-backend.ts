import { UnleashError } from '../errors/unleash-error.js';
import type { FlagBackend, FlagState, Readiness } from '../flag-backends/flag-backend.js';
import { canonicalScope, type FlagScope } from '../rollout-spec/flag-scope.js';
import type { FlagRef } from '../rollout-spec/rollout-spec-schema.js';
import type { Clock } from '../time/clock.js';

/** One confirmed write: what SDKs will see from `visibleAt` on. */
export interface FlagWriteRecord {
  at: number;
  visibleAt: number;
  enabled: boolean;
  percentage: number;
}

/**
 * A flag backend for one simulated flag: writes land at once in the backend (reads see them) but
 * reach the SDKs only `propagationMs` later (the unleash-client refresh); while `outage(t)` holds,
 * writes are rejected as an unreachable Unleash would reject them. Times are ms since the start.
 */
export class SimFlagBackend implements FlagBackend {
  private state: FlagState = { exists: false, enabled: false, percentage: 0 };
  readonly writes: FlagWriteRecord[] = [];
  rejectedWrites = 0;

  constructor(
    private readonly startMs: number,
    private readonly propagationMs: number,
    private readonly clock: Clock,
    private readonly outage: (t: number) => boolean,
  ) {}

  async read(_flag: FlagRef): Promise<FlagState> {
    return { ...this.state };
  }

  async setPercentage(flag: FlagRef, percentage: number): Promise<FlagState> {
    return this.write(true, percentage, canonicalScope(flag));
  }

  /** Off at 0 %, like the real backends; the scope stays. */
  async disable(flag: FlagRef): Promise<FlagState> {
    return this.write(false, 0, this.state.scope ?? canonicalScope(flag));
  }

  async readiness(): Promise<Readiness> {
    return this.outage(this.now()) ? { ok: false, reason: 'simulated flag backend outage' } : { ok: true };
  }

  /** What an SDK evaluates at simulated time `t`: the flag is on for buckets <= the result (0 = off). */
  sdkPercentage(t: number): number {
    for (let i = this.writes.length - 1; i >= 0; i--) {
      const w = this.writes[i];
      if (w && w.visibleAt <= t) return w.enabled ? w.percentage : 0;
    }
    return 0;
  }

  private write(enabled: boolean, percentage: number, scope: FlagScope): FlagState {
    const t = this.now();
    if (this.outage(t)) {
      this.rejectedWrites += 1;
      throw new UnleashError(
        'unleash_unreachable',
        'simulated backend outage: the flag backend rejects writes',
        'sim://flag-backend',
      );
    }
    this.state = { exists: true, enabled, percentage, scope };
    this.writes.push({ at: t, visibleAt: t + this.propagationMs, enabled, percentage });
    return { ...this.state };
  }

  private now(): number {
    return this.clock.now().getTime() - this.startMs;
  }
}
