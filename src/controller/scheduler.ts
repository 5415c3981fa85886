import type { CommandInput, QueuedCommand } from '../rollout/command.js';
import type { Clock } from '../time/clock.js';
import type { Scheduled, Ticker } from '../time/ticker.js';
import type { Controller, TickReport } from './controller.js';
import type { Logger } from './logger.js';
import { silentLogger } from './logger.js';

export interface SchedulerDeps {
  controller: Controller;
  ticker: Ticker;
  clock: Clock;
  logger?: Logger;
  /** Called for every tick that threw (wire to a metric). */
  onTickError?: (rollout: string, error: unknown) => void;
  /** Called after every tick that completed, with how long it took (for the tick-duration metric). */
  onTick?: (rollout: string, report: TickReport, seconds: number) => void;
}

interface Slot {
  interval: Scheduled | undefined;
  retry: { at: number; handle: Scheduled } | undefined;
  running: Promise<void> | undefined;
  again: boolean;
  waiters: (() => void)[];
  errors: number;
}

/**
 * Ticks each rollout every `spec.tick` through the injected Ticker. Ticks of one rollout never
 * overlap: an interval tick that finds one running is skipped, an explicit `runNow` runs once more
 * after it. A tick that throws is logged and counted and the next one runs as usual. A flag write
 * waiting for its backoff gets an extra tick at its retry time.
 */
export class Scheduler {
  private readonly slots = new Map<string, Slot>();
  private readonly logger: Logger;

  constructor(private readonly deps: SchedulerDeps) {
    this.logger = deps.logger ?? silentLogger;
  }

  /** Starts (or re-times) ticking `rollout` every `tickMs`, with a first tick at once. */
  add(rollout: string, tickMs: number): void {
    const slot = this.slot(rollout);
    slot.interval?.cancel();
    slot.interval = this.deps.ticker.every(tickMs, () => void this.trigger(rollout, false));
    this.deps.ticker.after(0, () => void this.trigger(rollout, false));
  }

  /** Stops ticking `rollout` (a running tick finishes). */
  remove(rollout: string): void {
    const slot = this.slots.get(rollout);
    slot?.interval?.cancel();
    slot?.retry?.handle.cancel();
    this.slots.delete(rollout);
  }

  /** Runs a tick of `rollout` now (or right after the running one); resolves when it is done. */
  runNow(rollout: string): Promise<void> {
    return this.trigger(rollout, true);
  }

  /** Enqueues a command, then ticks at once so it is applied; returns it as stored after the tick. */
  async applyNow(command: CommandInput): Promise<QueuedCommand> {
    const queued = await this.deps.controller.enqueue(command);
    await this.runNow(command.rollout);
    return (await this.deps.controller.command(queued.id)) ?? queued;
  }

  /** Ticks of `rollout` that threw so far. */
  tickErrors(rollout: string): number {
    return this.slots.get(rollout)?.errors ?? 0;
  }

  /** Resolves when no tick is running. */
  async idle(): Promise<void> {
    for (;;) {
      const running = [...this.slots.values()].flatMap((s) => (s.running ? [s.running] : []));
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  /** Cancels every timer; running ticks finish. */
  stop(): void {
    for (const name of [...this.slots.keys()]) this.remove(name);
  }

  private slot(rollout: string): Slot {
    let slot = this.slots.get(rollout);
    if (!slot) {
      slot = {
        interval: undefined,
        retry: undefined,
        running: undefined,
        again: false,
        waiters: [],
        errors: 0,
      };
      this.slots.set(rollout, slot);
    }
    return slot;
  }

  private trigger(rollout: string, explicit: boolean): Promise<void> {
    const slot = this.slot(rollout);
    if (slot.running) {
      if (!explicit) return slot.running;
      slot.again = true;
      return new Promise((resolve) => slot.waiters.push(resolve));
    }
    slot.running = this.loop(rollout, slot);
    return slot.running;
  }

  private async loop(rollout: string, slot: Slot): Promise<void> {
    do {
      slot.again = false;
      const waiters = slot.waiters.splice(0);
      try {
        // A monotonic duration of rampart's own work, not a reading of the (possibly virtual) clock.
        const started = performance.now();
        const report = await this.deps.controller.tick(rollout);
        this.scheduleRetry(rollout, slot, report);
        this.deps.onTick?.(rollout, report, (performance.now() - started) / 1000);
      } catch (error) {
        slot.errors += 1;
        this.logger.error(
          { rollout, err: String(error), errors: slot.errors },
          'tick failed; next tick runs as scheduled',
        );
        this.deps.onTickError?.(rollout, error);
      }
      for (const resolve of waiters) resolve();
    } while (slot.again);
    slot.running = undefined;
  }

  private scheduleRetry(rollout: string, slot: Slot, report: TickReport): void {
    const pending = report.state.pendingWrite;
    if (!pending) return;
    const at = pending.nextAttemptAt.getTime();
    if (slot.retry && slot.retry.at <= at) return;
    slot.retry?.handle.cancel();
    const delay = Math.max(0, at - this.deps.clock.now().getTime());
    const handle = this.deps.ticker.after(delay, () => {
      if (this.slots.get(rollout) === slot) slot.retry = undefined;
      void this.trigger(rollout, false);
    });
    slot.retry = { at, handle };
  }
}
