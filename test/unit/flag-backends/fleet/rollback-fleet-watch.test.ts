import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FleetTracker } from '../../../../src/flag-backends/fleet/fleet-tracker.js';
import { RollbackFleetWatch } from '../../../../src/flag-backends/fleet/rollback-fleet-watch.js';
import type { UsageBucket } from '../../../../src/flag-backends/fleet/unleash-usage-evidence.js';
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

  it('starts no watch for notifications of an already rolled-back rollout (its own follow-up included)', async () => {
    const { ticker, sent, watch, rollback } = await setup();
    await watch.notify({ ...rollback, fromPhase: 'rolled_back', title: 'hand change while rolled back' });
    await ticker.advance(20_000);
    expect(sent).toHaveLength(1);
    expect(watch.view('mfa-staff')).toBeUndefined();
  });

  it('leaves rollbacks of other backends alone (their SDKs do not fetch from rampart)', async () => {
    const { ticker, sent, watch, rollback } = await setup('unleash');
    await watch.notify(rollback);
    await ticker.advance(20_000);
    expect(sent).toHaveLength(1);
    expect(watch.view('mfa-staff')).toBeUndefined();
  });

  it('for an unleash flag, reads Unleash client metrics twice after the rollback and reports per application', async () => {
    const clock = new ManualClock(Date.UTC(2026, 11, 1, 9, 30));
    const ticker = new ManualTicker(clock);
    const reads: Date[] = [];
    const answers: UsageBucket[][] = [
      [
        {
          appName: 'login',
          environment: 'production',
          timestamp: new Date(Date.UTC(2026, 11, 1, 9)),
          yes: 40,
          no: 60,
        },
      ],
      [
        {
          appName: 'login',
          environment: 'production',
          timestamp: new Date(Date.UTC(2026, 11, 1, 9)),
          yes: 40,
          no: 95,
        },
      ],
    ];
    const sent: Notification[] = [];
    const rollout = { spec: { flag: { ...flag, backend: 'unleash' } } } as unknown as RolloutState;
    const watch = new RollbackFleetWatch({
      store: { getRollout: async () => rollout, flags: new MemoryStore().flags },
      embeddedBackends: new Set(['embedded']),
      unleashUsage: new Map([
        [
          'unleash',
          {
            featureUsage: async () => {
              reads.push(clock.now());
              return answers[reads.length - 1] ?? [];
            },
          },
        ],
      ]),
      notifier: { notify: async (n) => void sent.push(n) },
      clock,
      ticker,
      registry: new Registry(),
      unleashMetricsLagMs: 70_000,
    });
    await watch.notify({
      rollout: 'mfa-staff',
      title: 'rolled back',
      reason: 'r',
      toPhase: 'rolled_back',
      percentage: 0,
      at: clock.now(),
    });
    await ticker.advance(69_000);
    expect(reads).toEqual([]);
    await ticker.advance(72_000);
    expect(reads.map((d) => d.toISOString())).toEqual([
      '2026-12-01T09:31:10.000Z',
      '2026-12-01T09:32:20.000Z',
    ]);
    expect(sent.at(-1)?.reason).toBe(
      'Unleash client metrics 70-140 s after the rollback: off in 1 of 1 applications (login 0 on / 35 off); per application and hour only, no instances or revisions',
    );
    expect(watch.view('mfa-staff')).toMatchObject({
      source: 'unleash-metrics',
      instances: 1,
      confirmed: 1,
      complete: true,
    });
    expect(ticker.pending).toBe(0);
  });
});
