import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FleetTracker } from '../../../../src/flag-backends/fleet/fleet-tracker.js';
import { RollbackFleetWatch } from '../../../../src/flag-backends/fleet/rollback-fleet-watch.js';
import type { Notification } from '../../../../src/notify/notifier.js';
import type { RolloutState } from '../../../../src/rollout/rollout-state.js';
import { flagRefSchema } from '../../../../src/rollout-spec/rollout-spec-schema.js';
import { MemoryStore } from '../../../../src/sim/memory-store.js';
import { ManualClock } from '../../../../src/time/manual-clock.js';
import { ManualTicker } from '../../../../src/time/manual-ticker.js';

const flag = flagRefSchema.parse({ backend: 'embedded', name: 'mfa-staff-login' });
const base = { project: flag.project, environment: flag.environment, name: flag.name };
const row = { ...base, stickiness: 'userId', groupId: flag.name, constraints: [] };

async function setup(backend = 'embedded') {
  const clock = new ManualClock(Date.UTC(2026, 11, 1, 9));
  const ticker = new ManualTicker(clock);
  const store = new MemoryStore();
  await store.flags.put({ ...row, enabled: true, percentage: 25 }, clock.now());
  const fleet = new FleetTracker({ clock });
  const sent: Notification[] = [];
  const registry = new Registry();
  const rollout = { spec: { flag: { ...flag, backend } } } as unknown as RolloutState;
  const watch = new RollbackFleetWatch({
    store: { getRollout: async () => rollout, flags: store.flags },
    fleet,
    embeddedBackends: new Set(['embedded']),
    notifier: { notify: async (n) => void sent.push(n) },
    clock,
    ticker,
    registry,
    activeWithinMs: 300_000,
    timeoutMs: 10_000,
  });
  const rollback: Notification = {
    rollout: 'mfa-staff',
    title: 'mfa-staff rolled back',
    reason: 'guardrail failed',
    toPhase: 'rolled_back',
    percentage: 0,
    at: clock.now(),
  };
  /** The controller's rollback write (it follows the notification). */
  const write = async () =>
    (await store.flags.put({ ...row, enabled: false, percentage: 0 }, clock.now())).revision;
  return { clock, ticker, fleet, sent, registry, watch, rollback, write };
}

describe('RollbackFleetWatch', () => {
  it('passes the rollback on at once, then notifies when every instance has the flag off', async () => {
    const { ticker, fleet, sent, registry, watch, rollback, write } = await setup();
    fleet.fetched('login', 'pod-1', 'streaming', 1);
    fleet.fetched('login', 'pod-2', 'features', 1);
    await watch.notify(rollback);
    expect(sent.map((n) => n.title)).toEqual(['mfa-staff rolled back']);
    await ticker.advance(50);
    const revision = await write();
    await ticker.advance(100);
    fleet.fetched('login', 'pod-1', 'streaming', revision);
    await ticker.advance(100);
    expect(watch.view('mfa-staff')).toMatchObject({ confirmed: 1, instances: 2, waiting: true });
    await ticker.advance(300);
    fleet.fetched('login', 'pod-2', 'features', revision);
    await ticker.advance(100);
    expect(sent.map((n) => [n.title, n.reason])).toEqual([
      ['mfa-staff rolled back', 'guardrail failed'],
      [
        'mfa-staff: rollback reached every SDK instance',
        'off on 2 of 2 instances after 0.5 s (slowest login/pod-2)',
      ],
    ]);
    expect(watch.view('mfa-staff')).toMatchObject({ complete: true, waiting: false });
    expect(ticker.pending).toBe(0);
    const metrics = await registry.metrics();
    expect(metrics).toContain('rampart_rollback_fleet_instances{rollout="mfa-staff",state="confirmed"} 2');
    expect(metrics).toContain('rampart_rollback_fleet_confirmation_seconds{rollout="mfa-staff"} 0.5');
  });

  it('names the stragglers after the timeout', async () => {
    const { ticker, fleet, sent, watch, rollback, write } = await setup();
    fleet.fetched('login', 'pod-1', 'features', 1);
    fleet.fetched('login', 'pod-2', 'features', 1);
    await watch.notify(rollback);
    const revision = await write();
    fleet.fetched('login', 'pod-1', 'features', revision);
    await ticker.advance(10_100);
    expect(sent.at(-1)).toMatchObject({
      title: 'mfa-staff: rollback not confirmed on every SDK instance',
      reason: 'off on 1 of 2 instances; not yet: login/pod-2 at revision 1',
    });
    expect(watch.view('mfa-staff')).toMatchObject({ complete: false, waiting: false });
  });

  it('leaves rollbacks of other backends alone (their SDKs do not fetch from rampart)', async () => {
    const { ticker, sent, watch, rollback } = await setup('unleash');
    await watch.notify(rollback);
    await ticker.advance(20_000);
    expect(sent).toHaveLength(1);
    expect(watch.view('mfa-staff')).toBeUndefined();
  });
});
