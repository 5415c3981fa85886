import { Gauge, type Registry } from 'prom-client';
import type { Notification, Notifier } from '../../notify/notifier.js';
import type { FlagRef } from '../../rollout-spec/rollout-spec-schema.js';
import type { FlagRepository, Store } from '../../store/store.js';
import type { Clock } from '../../time/clock.js';
import type { Scheduled, Ticker } from '../../time/ticker.js';
import { confirmFleet, describeFleetConfirmation, type FleetConfirmation } from './fleet-confirmation.js';
import type { FleetTracker } from './fleet-tracker.js';
import { describeUsageEvidence, readUsageAfter, type UnleashUsageReader } from './unleash-usage-evidence.js';

export interface RollbackFleetWatchDeps {
  store: Pick<Store, 'getRollout'> & { flags: Pick<FlagRepository, 'get'> };
  /** The SDK instances the embedded client API serves (absent without client tokens). */
  fleet?: FleetTracker;
  /** Names of the configured embedded flag backends. */
  embeddedBackends: ReadonlySet<string>;
  /** The unleash backends' client-metrics readers, by backend name. */
  unleashUsage?: ReadonlyMap<string, UnleashUsageReader>;
  /**
   * Unleash: how long after the rollback the first read of its client metrics waits, and then the
   * second: an SDK reports every metricsInterval (60 s by default) a bucket that may still hold
   * evaluations from before the rollback, and Unleash writes reports every 5 s. Default 70 s.
   */
  unleashMetricsLagMs?: number;
  notifier: Notifier;
  clock: Clock;
  ticker: Ticker;
  registry: Registry;
  /** Instances seen within this window count (default 5 min). */
  activeWithinMs?: number;
  /** Stragglers are named after this long (default 60 s). */
  timeoutMs?: number;
  /** How often the fleet is checked while a rollback is unconfirmed (default 100 ms). */
  checkEveryMs?: number;
}

/** A rollback's fleet confirmation, as the API and the status page show it. */
export interface RollbackFleetView extends FleetConfirmation {
  /**
   * `sdk-fetches`: the embedded client API saw each instance fetch the revision with the flag off.
   * `unleash-metrics`: Unleash's per-application evaluation counts after the rollback ("instances"
   * are applications, `revision` is 0: Unleash reports none).
   */
  source: 'sdk-fetches' | 'unleash-metrics';
  /** Still waiting for instances (false once complete or timed out). */
  waiting: boolean;
  summary: string;
}

const MAX_ROLLOUTS = 200;

/**
 * The controller's notifier, plus: after each rollback of an embedded flag, watches the SDK instances
 * until every one seen recently has fetched the revision that turned the flag off (or the timeout
 * names the stragglers), then sends a follow-up notification with the figure and keeps it for the
 * rollout view and a metric. The rollback notification itself leaves at once: it is sent before the
 * write, and waiting for the fleet would delay it by the slowest poll.
 */
export class RollbackFleetWatch implements Notifier {
  private readonly views = new Map<string, RollbackFleetView>();
  private readonly watches = new Map<string, Scheduled>();
  private readonly instances: Gauge<'rollout' | 'state'>;
  private readonly seconds: Gauge<'rollout'>;

  constructor(private readonly deps: RollbackFleetWatchDeps) {
    this.instances = new Gauge({
      name: 'rampart_rollback_fleet_instances',
      help: 'SDK instances of the last rollback: confirmed (have the revision with the flag off) or pending.',
      labelNames: ['rollout', 'state'],
      registers: [deps.registry],
    });
    this.seconds = new Gauge({
      name: 'rampart_rollback_fleet_confirmation_seconds',
      help: 'Seconds from the rollback write until the slowest SDK instance had the flag off.',
      labelNames: ['rollout'],
      registers: [deps.registry],
    });
  }

  async notify(n: Notification): Promise<void> {
    await this.deps.notifier.notify(n);
    // Entering rolled_back only: later notifications of a rolled-back rollout start no new watch.
    if (n.toPhase === 'rolled_back' && n.fromPhase !== 'rolled_back') await this.watch(n.rollout);
  }

  /** The last rollback's fleet confirmation of `rollout`, if it had one. */
  view(rollout: string): RollbackFleetView | undefined {
    return this.views.get(rollout);
  }

  /** Stops every watch (shutdown). */
  close(): void {
    for (const watch of this.watches.values()) watch.cancel();
    this.watches.clear();
  }

  private async watch(rollout: string): Promise<void> {
    const state = await this.deps.store.getRollout(rollout).catch(() => undefined);
    const flag = state?.spec.flag;
    if (!flag) return;
    const usage = this.deps.unleashUsage?.get(flag.backend);
    if (usage) return this.watchUnleash(rollout, flag, usage);
    // Only the embedded backend's SDKs fetch from rampart.
    const { fleet } = this.deps;
    if (!fleet || !this.deps.embeddedBackends.has(flag.backend)) return;
    this.watches.get(rollout)?.cancel();
    const started = this.deps.clock.now().getTime();
    const timeoutMs = this.deps.timeoutMs ?? 60_000;
    let checking = false;
    const check = async () => {
      if (checking) return;
      checking = true;
      try {
        // The notification precedes the write: wait until the store has the flag off.
        const row = await this.deps.store.flags.get(flag);
        if (!row || row.enabled) {
          if (this.deps.clock.now().getTime() - started > timeoutMs) this.stop(rollout);
          return;
        }
        const confirmation = confirmFleet(fleet, {
          revision: row.revision,
          decidedAt: row.updatedAt,
          activeWithinMs: this.deps.activeWithinMs ?? 300_000,
        });
        const timedOut = this.deps.clock.now().getTime() - row.updatedAt.getTime() > timeoutMs;
        const waiting = !confirmation.complete && !timedOut;
        this.record(rollout, {
          ...confirmation,
          source: 'sdk-fetches',
          waiting,
          summary: describeFleetConfirmation(confirmation),
        });
        if (waiting) return;
        this.stop(rollout);
        await this.deps.notifier.notify({
          rollout,
          title: confirmation.complete
            ? `${rollout}: rollback reached every SDK instance`
            : `${rollout}: rollback not confirmed on every SDK instance`,
          reason: describeFleetConfirmation(confirmation),
          fromPhase: 'rolled_back',
          toPhase: 'rolled_back',
          percentage: 0,
          at: this.deps.clock.now(),
        });
      } catch {
        // The store could not be read: the next check retries until the timeout.
      } finally {
        checking = false;
      }
    };
    this.watches.set(
      rollout,
      this.deps.ticker.every(this.deps.checkEveryMs ?? 100, () => void check()),
    );
    await check();
  }

  /** Unleash's client metrics, read twice after the rollback, as the fleet evidence it can give. */
  private watchUnleash(rollout: string, flag: FlagRef, usage: UnleashUsageReader): void {
    this.watches.get(rollout)?.cancel();
    const lagMs = this.deps.unleashMetricsLagMs ?? 70_000;
    const decidedAt = this.deps.clock.now();
    const handle = readUsageAfter(usage, flag, { ...this.deps, lagMs }, async (apps, beforeAt) => {
      this.watches.delete(rollout);
      const summary = describeUsageEvidence(apps, { fromS: lagMs / 1000, toS: (2 * lagMs) / 1000 });
      const on = apps.filter((a) => a.yes > 0);
      this.record(rollout, {
        source: 'unleash-metrics',
        revision: 0,
        decidedAt,
        instances: apps.length,
        confirmed: apps.length - on.length,
        complete: apps.length > 0 && on.length === 0,
        stragglers: on.map((a) => ({ appName: a.appName, instanceId: '*', lastSeenAt: beforeAt })),
        waiting: false,
        summary,
      });
      await this.deps.notifier.notify({
        rollout,
        title: `${rollout}: what Unleash's client metrics say after the rollback`,
        reason: summary,
        fromPhase: 'rolled_back',
        toPhase: 'rolled_back',
        percentage: 0,
        at: this.deps.clock.now(),
      });
    });
    this.watches.set(rollout, handle);
  }

  private stop(rollout: string): void {
    this.watches.get(rollout)?.cancel();
    this.watches.delete(rollout);
  }

  private record(rollout: string, view: RollbackFleetView): void {
    this.views.delete(rollout);
    this.views.set(rollout, view);
    if (this.views.size > MAX_ROLLOUTS) {
      const oldest = this.views.keys().next().value;
      if (oldest !== undefined) this.views.delete(oldest);
    }
    this.instances.set({ rollout, state: 'confirmed' }, view.confirmed);
    this.instances.set({ rollout, state: 'pending' }, view.instances - view.confirmed);
    if (view.complete && view.slowest) this.seconds.set({ rollout }, view.slowest.afterMs / 1000);
  }
}
