import type { Controller } from '../controller/controller.js';
import type { Logger } from '../controller/logger.js';
import type { Scheduler } from '../controller/scheduler.js';
import { handleSpecRemoved } from '../controller/spec-removal.js';
import type { RolloutNotifier } from '../notify/rollout-notifier.js';
import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import type { Store } from '../store/store.js';
import type { RampartMetrics } from '../telemetry/rampart-metrics.js';
import type { Clock } from '../time/clock.js';
import type { Scheduled, Ticker } from '../time/ticker.js';
import type { Leadership, LeadershipEvents } from './leadership.js';

/** The leader's fallback for a lost NOTIFY: look for queued commands this often. */
const QUEUE_POLL_MS = 500;

export interface LeaderDutiesDeps {
  controller: Controller;
  scheduler: Scheduler;
  notifier: RolloutNotifier;
  leadership: Leadership;
  metrics: RampartMetrics;
  logger: Logger;
  ticker: Ticker;
  clock: Clock;
  /** Where a removed spec file is audited when the rollout cannot be paused. */
  store: Pick<Store, 'appendAudit'>;
  /** Rollouts with queued commands (shared stores only: commands may arrive through a follower). */
  queuedRollouts?: () => Promise<string[]>;
}

/**
 * What this replica does as leader: register the newest spec of each rollout and tick it, watch the
 * command queue; and what it stops doing, at once, when deposed. Followers only remember specs.
 */
export class LeaderDuties {
  /** The newest spec of each rollout this replica knows; the leader registers these when elected. */
  private readonly latest: Map<string, RolloutSpec>;
  private queuePoll: Scheduled | undefined;

  constructor(
    private readonly deps: LeaderDutiesDeps,
    specs: readonly RolloutSpec[],
  ) {
    this.latest = new Map(specs.map((spec) => [spec.name, spec]));
  }

  readonly events: LeadershipEvents = {
    elected: async (epoch) => {
      const { scheduler, leadership } = this.deps;
      for (const spec of this.latest.values()) {
        await this.register(spec);
        // Deposed while registering: `deposed` already ran; adding ticks now would act as a follower.
        if (!leadership.isLeader()) return;
      }
      const queued = this.deps.queuedRollouts;
      if (queued) {
        this.queuePoll = this.deps.ticker.every(QUEUE_POLL_MS, () => {
          queued().then(
            (names) => {
              for (const name of names) if (this.latest.has(name)) void scheduler.runNow(name);
            },
            () => undefined,
          );
        });
      }
      this.deps.metrics.leader.set(1);
      this.deps.logger.info(
        { replica: leadership.replica, epoch, rollouts: [...this.latest.keys()] },
        'leader: ticking rollouts',
      );
    },
    deposed: (reason) => {
      this.deps.scheduler.stop();
      this.queuePoll?.cancel();
      this.deps.metrics.leader.set(0);
      this.deps.logger.warn(
        { replica: this.deps.leadership.replica, reason },
        'no longer leader: stopped ticking rollouts',
      );
    },
    commandQueued: (rollout) => {
      if (this.latest.has(rollout)) void this.deps.scheduler.runNow(rollout);
    },
  };

  /** A new spec file: the rollout is registered (`pending`) and ticked, as at start, when leading. */
  async addSpec(spec: RolloutSpec): Promise<void> {
    this.latest.set(spec.name, spec);
    if (this.deps.leadership.isLeader()) await this.register(spec);
  }

  /**
   * A spec file is gone: the rollout is paused (or, if it cannot be, audited) and keeps being
   * ticked with its last spec, here and after a re-election (see handleSpecRemoved).
   */
  async removeSpec(name: string, source: string): Promise<void> {
    if (!this.deps.leadership.isLeader()) return;
    const { controller, scheduler, store, notifier, clock } = this.deps;
    await handleSpecRemoved({ controller, scheduler, store, notifier, clock }, name, source);
  }

  private async register(spec: RolloutSpec): Promise<void> {
    await this.deps.controller.register(spec);
    if (!this.deps.leadership.isLeader()) return;
    this.deps.notifier.route(spec.name, spec.notify);
    this.deps.scheduler.add(spec.name, spec.tick);
  }

  /** A spec file changed: remembered for later elections, applied now when leading. */
  async applySpec(name: string, next: RolloutSpec): Promise<unknown> {
    this.latest.set(name, next);
    if (!this.deps.leadership.isLeader()) return { status: 'unchanged' };
    const result = await this.deps.controller.reloadSpec(name, next);
    if (result.status === 'applied') {
      this.deps.notifier.route(name, next.notify);
      this.deps.scheduler.add(name, next.tick);
    }
    return result;
  }
}
