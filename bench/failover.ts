/**
 * Failover time of several replicas on one PostgreSQL: three real `rampart run` processes, the
 * leader SIGKILLed 20 times (restarted each time, so two stand by). For each kill:
 *   lease  = SIGKILL -> the new leader holds the advisory lock and bumped the epoch (fenced);
 *   acting = SIGKILL -> the new leader acts on rollouts (lease + the takeover delay, which lets a
 *            deposed leader that has not noticed yet stop first).
 * Also: commands posted to a follower, from submit to applied by the leader (NOTIFY path).
 *
 *   npx tsx bench/failover.ts [kills=20]
 *
 * Needs the PostgreSQL server binaries (Debian `postgresql`). Writes bench/results/failover.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { openPostgresStore } from '../src/store/open-postgres-store.js';
import { HaCluster, type Replica, ROLLOUT, sleep } from '../test/support/ha-cluster.js';
import { startPostgres } from '../test/support/postgres.js';
import { TestMetricsApp } from '../test/support/test-metrics-app.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const kills = Number(process.argv[2] ?? 20);
const COMMANDS = 20;
const IDS = ['a', 'b', 'c'];

function quantile(sorted: number[], q: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    n: sorted.length,
    p50Ms: round(quantile(sorted, 0.5)),
    p99Ms: round(quantile(sorted, 0.99)),
    maxMs: round(sorted.at(-1) ?? Number.NaN),
  };
}

/** The first log line `msg` of any replica with an epoch above `after`. */
function firstAbove(replicas: Iterable<Replica>, msg: string, after: number) {
  for (const r of replicas) {
    const line = r.logs.find((l) => l.msg === msg && (l.epoch ?? 0) > after);
    if (line) return { id: r.id, time: line.time, epoch: line.epoch ?? 0 };
  }
  return undefined;
}

async function main(): Promise<void> {
  const pg = await startPostgres();
  const app = new TestMetricsApp();
  await app.start();
  const url = await pg.createDatabase('failover');
  // A long bake keeps the rollout ramping (never completed) for the whole run.
  const cluster = new HaCluster({ storeUrl: url, metricsUrl: app.url, bake: '1h', tick: '1s' });
  const store = await openPostgresStore({ url });
  const lease: number[] = [];
  const acting: number[] = [];
  const viaFollower: number[] = [];
  const roundTrip: number[] = [];
  try {
    await Promise.all(IDS.map((id) => cluster.start(id)));
    let leader = await cluster.waitForLeader(15_000);
    let epoch = (await cluster.readyz(leader.id))?.leader?.epoch ?? 1;

    for (let i = 0; i < COMMANDS; i++) {
      const follower = IDS.find((id) => id !== leader.id) ?? 'a';
      const kind = i % 2 === 0 ? 'pause' : 'resume';
      const sent = performance.now();
      const res = await cluster.api<{ id: number; status: string }>(
        follower,
        `/api/rollouts/${ROLLOUT}/${kind}`,
        {
          reason: 'bench',
        },
      );
      roundTrip.push(performance.now() - sent);
      const command = await store.getCommand(res.body.id);
      if (command?.status !== 'applied' || !command.appliedAt)
        throw new Error(`command ${kind} not applied: ${res.body.status}`);
      viaFollower.push(command.appliedAt.getTime() - command.submittedAt.getTime());
    }

    for (let k = 0; k < kills; k++) {
      const killedAt = await cluster.kill(leader.id);
      let acquired: ReturnType<typeof firstAbove>;
      let acted: ReturnType<typeof firstAbove>;
      const deadline = Date.now() + 15_000;
      while (!(acquired && acted) && Date.now() < deadline) {
        acquired = firstAbove(
          cluster.replicas.values(),
          'leadership acquired; fenced writes use the new epoch',
          epoch,
        );
        acted = firstAbove(cluster.replicas.values(), 'leading: acting on rollouts', epoch);
        await sleep(20);
      }
      if (!acquired || !acted) throw new Error(`kill ${k + 1}: no new leader within 15 s`);
      lease.push(acquired.time - killedAt);
      acting.push(acted.time - killedAt);
      console.log(
        `kill ${k + 1}: ${leader.id} -> ${acted.id} (epoch ${acted.epoch}): lease ${acquired.time - killedAt} ms, acting ${acted.time - killedAt} ms`,
      );
      await cluster.start(leader.id);
      epoch = acted.epoch;
      leader = { id: acted.id, at: acted.time };
    }
  } finally {
    await cluster.close();
    await store.close();
    await app.stop();
    await pg.stop();
  }

  const result = {
    benchmark: 'failover',
    command: 'npx tsx bench/failover.ts',
    when: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
    setup:
      '3 rampart run replicas on one local PostgreSQL; defaults: heartbeat 500 ms, heartbeat timeout 1000 ms, lock retry 250 ms, takeover delay 1500 ms',
    leaderKills: {
      lease: summary(lease),
      acting: summary(acting),
      leaseSamplesMs: lease,
      actingSamplesMs: acting,
    },
    commandsViaFollower: {
      queuedToApplied: summary(viaFollower),
      httpRoundTrip: summary(roundTrip),
    },
  };
  await mkdir(join(root, 'bench/results'), { recursive: true });
  await writeFile(join(root, 'bench/results/failover.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(
    JSON.stringify(
      {
        leaderKills: { lease: result.leaderKills.lease, acting: result.leaderKills.acting },
        commandsViaFollower: result.commandsViaFollower,
      },
      null,
      2,
    ),
  );
}

await main();
