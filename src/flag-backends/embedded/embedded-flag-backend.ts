import type { FlagRef } from '../../rollout-spec/rollout-spec-schema.js';
import type { FlagRecord, FlagRepository } from '../../store/store.js';
import type { Clock } from '../../time/clock.js';
import type { FlagBackend, FlagState, Readiness } from '../flag-backend.js';

function toState(record: FlagRecord | undefined): FlagState {
  return record
    ? { exists: true, enabled: record.enabled, percentage: record.percentage }
    : { exists: false, enabled: false, percentage: 0 };
}

/**
 * Flags kept in rampart's own store (served to unleash-client SDKs by the HTTP client API). Also the
 * unit tests' fake backend: it is real, small and fast on an in-memory store.
 */
export class EmbeddedFlagBackend implements FlagBackend {
  constructor(
    private readonly flags: FlagRepository,
    private readonly clock: Clock,
  ) {}

  async read(flag: FlagRef): Promise<FlagState> {
    return toState(await this.flags.get(flag));
  }

  async setPercentage(flag: FlagRef, percentage: number): Promise<FlagState> {
    if (!Number.isInteger(percentage) || percentage < 0 || percentage > 100) {
      throw new RangeError(`rollout percentage must be an integer 0..100, got ${percentage}`);
    }
    await this.put(flag, true, percentage);
    return this.read(flag);
  }

  async disable(flag: FlagRef): Promise<FlagState> {
    const current = await this.flags.get(flag);
    await this.put(flag, false, current?.percentage ?? 0);
    return this.read(flag);
  }

  async readiness(): Promise<Readiness> {
    try {
      await this.flags.revision();
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: `the store's flags cannot be read: ${(error as Error).message}` };
    }
  }

  private put(flag: FlagRef, enabled: boolean, percentage: number): Promise<FlagRecord> {
    return this.flags.put(
      {
        name: flag.name,
        project: flag.project,
        environment: flag.environment,
        enabled,
        percentage,
        stickiness: flag.stickiness,
        groupId: flag.groupId ?? flag.name,
      },
      this.clock.now(),
    );
  }
}
