import type { Controller } from '../controller/controller.js';
import type { CommandInput, QueuedCommand } from '../rollout/command.js';
import type { Clock } from '../time/clock.js';
import type { Ticker } from '../time/ticker.js';
import type { Leadership } from './leadership.js';

/**
 * Where the HTTP API hands commands and alerts. The Scheduler is one (it ticks at once). Commands
 * have two verbs throughout: `enqueue` (Controller: validate and queue; the next tick applies it)
 * and `applyNow` (queue, have it applied at once and wait for the outcome).
 */
export interface CommandGateway {
  /** Validates and queues `command`, has it applied, and returns it as stored afterwards. */
  applyNow(command: CommandInput): Promise<QueuedCommand>;
}

export interface ReplicaGatewayDeps {
  leadership: Leadership;
  /** The leader's path: enqueue and tick at once (the Scheduler). */
  local: CommandGateway;
  controller: Controller;
  /** Tells the leader that `rollout` has queued commands (NOTIFY). */
  notify(rollout: string): Promise<void>;
  clock: Clock;
  ticker: Ticker;
  /** How long a follower waits for the leader to apply a command before answering `queued`. */
  waitMs?: number;
  /** How often a follower looks whether it was applied. */
  pollMs?: number;
}

/**
 * Commands on any replica: the leader applies them itself; a follower validates and queues them,
 * notifies the leader and waits (bounded) until the leader has applied them, then answers with the
 * command as stored: applied, rejected, ignored, or still queued when no leader acted in time.
 */
export class ReplicaCommandGateway implements CommandGateway {
  constructor(private readonly deps: ReplicaGatewayDeps) {}

  async applyNow(command: CommandInput): Promise<QueuedCommand> {
    if (this.deps.leadership.isLeader()) return this.deps.local.applyNow(command);
    const queued = await this.deps.controller.enqueue(command);
    await this.deps.notify(command.rollout).catch(() => undefined); // the leader also polls the queue
    const deadline = this.deps.clock.now().getTime() + (this.deps.waitMs ?? 5_000);
    for (;;) {
      const current = (await this.deps.controller.command(queued.id)) ?? queued;
      if (current.status !== 'queued' || this.deps.clock.now().getTime() >= deadline) return current;
      await new Promise<void>((resolve) => this.deps.ticker.after(this.deps.pollMs ?? 20, resolve));
    }
  }
}
