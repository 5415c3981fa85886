import { describe, expect, it } from 'vitest';
import { ReplicaCommandGateway } from '../../../src/leader/command-gateway.js';
import type { Leadership, LeaderView } from '../../../src/leader/leadership.js';
import type { QueuedCommand } from '../../../src/rollout/command.js';
import { makeHarness, testSpec } from '../../support/controller-harness.js';

/** A leadership whose role the test sets. */
class FixedLeadership implements Leadership {
  readonly replica = 'r1';
  constructor(public leading: boolean) {}
  isLeader(): boolean {
    return this.leading;
  }
  leader(): LeaderView | null {
    return this.leading ? { replica: this.replica, epoch: 1 } : null;
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
}

async function setup(leading: boolean, leaderApplies: boolean) {
  const h = await makeHarness();
  await h.controller.register(testSpec());
  await h.step('mfa-staff');
  const notified: string[] = [];
  const gateway = new ReplicaCommandGateway({
    leadership: new FixedLeadership(leading),
    local: h.scheduler,
    controller: h.controller,
    // The leader (another process) reacts to the notification with a tick of that rollout.
    notify: async (rollout) => {
      notified.push(rollout);
      if (leaderApplies) void h.controller.tick(rollout);
    },
    clock: h.clock,
    ticker: h.ticker,
    waitMs: 5_000,
    pollMs: 20,
  });
  return { h, gateway, notified };
}

/** Runs `submit` while stepping virtual time, so the follower's bounded wait can elapse. */
async function driven(h: Awaited<ReturnType<typeof setup>>['h'], submit: Promise<QueuedCommand>) {
  let result: QueuedCommand | undefined;
  void submit.then((r) => {
    result = r;
  });
  const started = h.clock.now().getTime();
  while (result === undefined && h.clock.now().getTime() - started < 10_000) await h.ticker.advance(20);
  if (!result) throw new Error('gateway never answered');
  return { command: result, waitedMs: h.clock.now().getTime() - started };
}

const pause = { rollout: 'mfa-staff', kind: 'pause', actor: 'ops', reason: 'look at it' } as const;

describe('ReplicaCommandGateway', () => {
  it('on the leader applies the command at once, without notifying anyone', async () => {
    const { h, gateway, notified } = await setup(true, false);
    const command = await gateway.applyNow(pause);
    expect(command.status).toBe('applied');
    expect((await h.controller.status('mfa-staff')).phase).toBe('paused');
    expect(notified).toEqual([]);
  });

  it('on a follower queues the command, notifies the leader and answers once the leader applied it', async () => {
    const { h, gateway, notified } = await setup(false, true);
    const { command, waitedMs } = await driven(h, gateway.applyNow(pause));
    expect(notified).toEqual(['mfa-staff']);
    expect(command.status).toBe('applied');
    expect(waitedMs).toBeLessThan(100);
    expect((await h.controller.status('mfa-staff')).phase).toBe('paused');
  });

  it('on a follower with no leader acting answers `queued` after the bounded wait; the command stays queued', async () => {
    const { h, gateway } = await setup(false, false);
    const { command, waitedMs } = await driven(h, gateway.applyNow(pause));
    expect(command.status).toBe('queued');
    expect(waitedMs).toBeGreaterThanOrEqual(5_000);
    expect((await h.store.queuedCommands('mfa-staff')).map((c) => c.id)).toEqual([command.id]);
  });

  it('on a follower refuses an invalid command before queueing it', async () => {
    const { h, gateway, notified } = await setup(false, true);
    await expect(gateway.applyNow({ ...pause, reason: ' ' })).rejects.toThrow(/reason/);
    await expect(gateway.applyNow({ ...pause, rollout: 'nope' })).rejects.toThrow(/no rollout named nope/);
    expect(notified).toEqual([]);
    expect(await h.store.queuedCommands('mfa-staff')).toEqual([]);
  });
});
