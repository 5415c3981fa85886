import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../../src/store/open-postgres-store.js';
import type { SqlStore } from '../../../src/store/sql-store.js';
import { HA_STEPS, HaCluster, ROLLOUT, sleep } from '../../support/ha-cluster.js';
import { expectHaInvariants, readOutcome } from '../../support/ha-invariants.js';
import { type PostgresServer, startPostgres } from '../../support/postgres.js';
import { mulberry32 } from '../../support/seeded-random.js';
import { TestMetricsApp } from '../../support/test-metrics-app.js';

const SEED = Number(process.env.RAMPART_CHAOS_SEED ?? 11);
const EVENTS = 30;
const IDS = ['a', 'b', 'c'];

let server: PostgresServer;
const metricsApp = new TestMetricsApp();
let cluster: HaCluster | undefined;
let store: SqlStore | undefined;

beforeAll(async () => {
  server = await startPostgres();
  await metricsApp.start();
}, 60_000);

afterAll(async () => {
  await cluster?.close();
  await store?.close();
  await metricsApp.stop();
  await server?.stop();
});

describe('chaos', () => {
  it(`${EVENTS} random kills and restarts of three replicas over a ramp keep every invariant`, async () => {
    const random = mulberry32(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const url = await server.createDatabase('chaos');
    cluster = new HaCluster({ storeUrl: url, metricsUrl: metricsApp.url, bake: '3s' });
    const c = cluster;
    store = await openPostgresStore({ url });
    const s = store;
    await Promise.all(IDS.map((id) => c.start(id)));
    await c.waitForLeader();

    const accepted: number[] = [];
    const log: string[] = [];
    for (let event = 0; event < EVENTS; event++) {
      await sleep(300 + random() * 600);
      const running = c.running().map((r) => r.id);
      let id = pick(IDS);
      // Half the events aim at the leader, so leadership changes hands often during the ramp.
      if (random() < 0.5 && running.length > 1) {
        for (const candidate of running) if ((await c.readyz(candidate))?.role === 'leader') id = candidate;
      }
      if (running.length === 1 && running[0] === id) id = pick(IDS.filter((other) => other !== id));
      if (running.includes(id)) {
        await c.kill(id);
        log.push(`kill ${id}`);
      } else {
        await c.start(id);
        log.push(`start ${id}`);
      }
      // Operators keep sending commands to whichever replica answers; a replica killed mid-request loses the answer, not the command.
      if (event % 4 === 3) {
        const target = pick(c.running().map((r) => r.id));
        const state = await s.getRollout(ROLLOUT);
        const kind = state?.phase === 'paused' ? 'resume' : 'pause';
        const res = await c
          .api<{ id?: number }>(target, `/api/rollouts/${ROLLOUT}/${kind}`, { reason: `chaos ${event}` })
          .catch(() => undefined);
        if (res?.status === 202 && res.body.id !== undefined) accepted.push(res.body.id);
        log.push(`${kind} via ${target}: ${res?.status ?? 'no answer'}`);
      }
    }
    console.log(`chaos seed ${SEED}: ${log.join(', ')}`);

    for (const id of IDS) if (!c.running().some((r) => r.id === id)) await c.start(id);
    const leader = await c.waitForLeader(10_000);
    if ((await s.getRollout(ROLLOUT))?.phase === 'paused') {
      const res = await c.api<{ id: number }>(leader.id, `/api/rollouts/${ROLLOUT}/resume`, {
        reason: 'after chaos',
      });
      accepted.push(res.body.id);
    }
    const deadline = Date.now() + 60_000;
    while ((await s.getRollout(ROLLOUT))?.phase !== 'completed' && Date.now() < deadline) await sleep(100);

    const outcome = await readOutcome(s);
    expect((await s.getRollout(ROLLOUT))?.phase).toBe('completed');
    expectHaInvariants(outcome, HA_STEPS, accepted);
    expect(outcome.audit.filter((e) => e.action === 'completed')).toHaveLength(1);
    const epochs = new Set(outcome.audit.map((e) => e.epoch));
    console.log(
      `chaos: ${outcome.audit.length} audit entries over ${epochs.size} leadership epochs, ${outcome.commands.length} commands`,
    );
    expect(epochs.size).toBeGreaterThan(5);
    expect(
      await s.flags.get({ name: 'mfa-ha-login', project: 'default', environment: 'production' }),
    ).toMatchObject({ enabled: true, percentage: 100 });
  }, 150_000);
});
