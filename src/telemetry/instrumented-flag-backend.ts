import type { FlagBackend, FlagState, Readiness } from '../flag-backends/flag-backend.js';
import type { FlagRef } from '../rollout-spec/rollout-spec-schema.js';
import type { RampartMetrics } from './rampart-metrics.js';

/** Counts every flag backend call by backend name, operation and outcome. */
export class InstrumentedFlagBackend implements FlagBackend {
  constructor(
    private readonly name: string,
    private readonly inner: FlagBackend,
    private readonly metrics: RampartMetrics,
  ) {}

  read(flag: FlagRef): Promise<FlagState> {
    return this.count('get', () => this.inner.read(flag));
  }

  setPercentage(flag: FlagRef, percentage: number): Promise<FlagState> {
    return this.count('set', () => this.inner.setPercentage(flag, percentage));
  }

  disable(flag: FlagRef): Promise<FlagState> {
    return this.count('disable', () => this.inner.disable(flag));
  }

  readiness(flags: readonly FlagRef[]): Promise<Readiness> {
    return this.inner.readiness(flags);
  }

  private async count<T>(op: string, call: () => Promise<T>): Promise<T> {
    try {
      const result = await call();
      this.metrics.backendRequestsTotal.inc({ backend: this.name, op, outcome: 'ok' });
      return result;
    } catch (error) {
      this.metrics.backendRequestsTotal.inc({ backend: this.name, op, outcome: 'error' });
      throw error;
    }
  }
}
