/**
 * Benchmark of rampart's HTTP API (issue 7):
 *  1. Alertmanager webhook -> rollback confirmed by read-back in the embedded backend, p50/p99 over
 *     500 alerts (each alert rolls the rollout back; a resume re-arms it, unmeasured).
 *  2. GET /api/rollouts requests per second with autocannon at 50 connections, 10 s, next to
 *     GET /healthz on the same server (express alone) as the machine's floor.
 * rampart runs as a real `rampart run` child process on loopback; this process is the client.
 *
 *   npx tsx bench/api-webhook.ts [--alerts 500] [--seconds 10]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { freePort } from '../test/support/free-port.js';

const { values } = parseArgs({ options: { alerts: { type: 'string' }, seconds: { type: 'string' } } });
const ALERTS = Number(values.alerts ?? 500);
const SECONDS = Number(values.seconds ?? 10);
const OPERATOR = 'bench-operator-token';
const ALERTMANAGER = 'bench-alertmanager-token';
const ROLLOUTS = 5;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-bench-api-'));
  const specs = join(dir, 'flags');
  mkdirSync(specs);
  for (let i = 0; i < ROLLOUTS; i++) {
    writeFileSync(
      join(specs, `r${i}.yaml`),
      `apiVersion: rampart/v1
kind: Rollout
name: r${i}
flag: { backend: embedded, name: flag-${i} }
steps: [1, 5, 25, 50, 100]
bake: 1h
tick: 1m
noDataTimeout: 1h
guardrails: [{ name: enrollment-integrity, zero: { metric: mfa_enrollment_owner_mismatch_total } }]
alerts: { match: { rollout: r${i} } }
`,
    );
  }
  const port = await freePort();
  const db = join(dir, 'rampart.db');
  writeFileSync(
    join(dir, 'rampart.yaml'),
    `apiVersion: rampart/v1
kind: Config
listen: { host: 127.0.0.1, port: ${port} }
specsDir: ${specs}
store: { url: "sqlite:${db}" }
apiTokens:
  - { name: bench, role: operator, tokenEnv: BENCH_OPERATOR }
  - { name: am, role: alertmanager, tokenEnv: BENCH_ALERTMANAGER }
`,
  );
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/support/cli-entry.ts', 'run', '--config', join(dir, 'rampart.yaml')],
    {
      env: {
        ...process.env,
        BENCH_OPERATOR: OPERATOR,
        BENCH_ALERTMANAGER: ALERTMANAGER,
        RAMPART_LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (
        await fetch(`${url}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 300 || child.exitCode !== null) throw new Error('rampart did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const op = { Authorization: `Bearer ${OPERATOR}`, 'Content-Type': 'application/json' };
    const am = { Authorization: `Bearer ${ALERTMANAGER}`, 'Content-Type': 'application/json' };
    // The flag as the embedded backend stores it, read straight from its SQLite file.
    const flags = new Database(db, { readonly: true });
    const flagEnabled = flags.prepare('select enabled from flags where name = ?');

    const latencies: number[] = [];
    for (let i = 0; i < ALERTS; i++) {
      const rollout = `r${i % ROLLOUTS}`;
      const body = {
        version: '4',
        groupKey: `{}:{rollout="${rollout}"}`,
        status: 'firing',
        receiver: 'rampart',
        alerts: [
          {
            status: 'firing',
            labels: { alertname: 'LoginFailuresHigh', rollout },
            startsAt: new Date().toISOString(),
            fingerprint: `bench-${i}`,
          },
        ],
      };
      const started = performance.now();
      const res = await fetch(`${url}/api/alerts/alertmanager`, {
        method: 'POST',
        headers: am,
        body: JSON.stringify(body),
      });
      const answer = (await res.json()) as { rollbacks: { status: string }[] };
      const row = flagEnabled.get(`flag-${i % ROLLOUTS}`) as { enabled: number } | undefined;
      const elapsed = performance.now() - started;
      if (answer.rollbacks[0]?.status !== 'applied' || row?.enabled !== 0) {
        throw new Error(`alert ${i} not applied: ${JSON.stringify(answer)} flag ${JSON.stringify(row)}`);
      }
      latencies.push(elapsed);
      const resumed = await fetch(`${url}/api/rollouts/${rollout}/resume`, {
        method: 'POST',
        headers: op,
        body: JSON.stringify({ reason: 'bench: re-arm' }),
      });
      if (resumed.status !== 202) throw new Error(`resume failed: ${resumed.status}`);
    }
    flags.close();
    latencies.sort((a, b) => a - b);

    // The same server's /healthz is the floor of this machine (express alone), measured side by side.
    const floor = await autocannon({ url: `${url}/healthz`, connections: 50, duration: SECONDS });
    const read = await autocannon({
      url: `${url}/api/rollouts`,
      connections: 50,
      duration: SECONDS,
      headers: { Authorization: `Bearer ${OPERATOR}` },
    });
    const result = {
      when: new Date().toISOString(),
      machine: 'shared 2-core VM; numbers are noisy',
      alertToConfirmedMs: {
        alerts: latencies.length,
        p50: Number(quantile(latencies, 0.5).toFixed(2)),
        p99: Number(quantile(latencies, 0.99).toFixed(2)),
        max: Number((latencies.at(-1) ?? 0).toFixed(2)),
      },
      readApi: {
        path: 'GET /api/rollouts',
        rollouts: ROLLOUTS,
        connections: 50,
        seconds: SECONDS,
        requestsPerSecondMean: read.requests.average,
        healthzRequestsPerSecondMean: floor.requests.average,
        ratioToHealthz: Number((read.requests.average / floor.requests.average).toFixed(3)),
        latencyP99Ms: read.latency.p99,
        non2xx: read.non2xx,
        errors: read.errors,
      },
    };
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/api-webhook.json', `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
