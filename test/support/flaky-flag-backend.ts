import type { FlagBackend, FlagState, Readiness } from '../../src/flag-backends/flag-backend.js';
import type { FlagRef } from '../../src/rollout-spec/rollout-spec-schema.js';

/** Wraps a backend so tests can make writes fail (throwing, as a 5xx would) and count calls. */
export class FlakyFlagBackend implements FlagBackend {
  /** Writes fail while this is > 0 (decremented per failed write), or always when Infinity. */
  failWrites = 0;
  writes = 0;
  failedWrites = 0;

  constructor(readonly inner: FlagBackend) {}

  read(flag: FlagRef): Promise<FlagState> {
    return this.inner.read(flag);
  }

  async setPercentage(flag: FlagRef, percentage: number): Promise<FlagState> {
    this.beforeWrite();
    return this.inner.setPercentage(flag, percentage);
  }

  async disable(flag: FlagRef): Promise<FlagState> {
    this.beforeWrite();
    return this.inner.disable(flag);
  }

  readiness(flags: readonly FlagRef[]): Promise<Readiness> {
    return this.inner.readiness(flags);
  }

  private beforeWrite(): void {
    this.writes += 1;
    if (this.failWrites > 0) {
      this.failWrites -= 1;
      this.failedWrites += 1;
      throw new Error('flag backend unavailable (simulated 503)');
    }
  }
}
