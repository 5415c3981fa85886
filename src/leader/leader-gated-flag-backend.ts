import { StoreError } from '../errors/store-error.js';
import type { FlagBackend, FlagState, Readiness } from '../flag-backends/flag-backend.js';
import type { Leadership } from './leadership.js';

/**
 * Flag writes only while leading. The embedded backend is fenced by the store itself; a remote
 * backend (Unleash) is not, so a deposed leader's late write is stopped here, before the request.
 */
export class LeaderGatedFlagBackend implements FlagBackend {
  constructor(
    private readonly inner: FlagBackend,
    private readonly leadership: Leadership,
  ) {}

  read(...args: Parameters<FlagBackend['read']>): Promise<FlagState> {
    return this.inner.read(...args);
  }

  async setPercentage(...args: Parameters<FlagBackend['setPercentage']>): Promise<FlagState> {
    this.check('set a rollout');
    return this.inner.setPercentage(...args);
  }

  async disable(...args: Parameters<FlagBackend['disable']>): Promise<FlagState> {
    this.check('disable a flag');
    return this.inner.disable(...args);
  }

  readiness(...args: Parameters<FlagBackend['readiness']>): Promise<Readiness> {
    return this.inner.readiness(...args);
  }

  private check(what: string): void {
    if (!this.leadership.isLeader())
      throw new StoreError(
        'fenced',
        `replica ${this.leadership.replica} is not the leader; it may not ${what}`,
      );
  }
}
