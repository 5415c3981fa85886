/**
 * Rollback latency against a real unleash-server 7.4.1 on loopback: the time from the rollback
 * decision (the call into the backend) to the Unleash write confirmed by read-back. The backend reads
 * the flag, writes, and reads it back, so each sample is the whole rampart-side round trip.
 *
 *   npm ci --prefix servers/unleash-server   # once
 *   npx tsx bench/unleash-rollback-latency.ts [rollbacks=200]
 *
 * Writes bench/results/unleash-rollback-latency.json.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { HttpUnleashAdminApi } from '../src/flag-backends/unleash/http-unleash-admin-api.js';
import { UnleashFlagBackend } from '../src/flag-backends/unleash/unleash-flag-backend.js';
import { flagRefSchema } from '../src/rollout-spec/rollout-spec-schema.js';
import { startUnleashServer } from '../test/support/unleash-server.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rollbacks = Number(process.argv[2] ?? 200);
const WARMUP = 10;

function quantile(sorted: number[], q: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    n: sorted.length,
    p50Ms: round(quantile(sorted, 0.5)),
    p90Ms: round(quantile(sorted, 0.9)),
    p99Ms: round(quantile(sorted, 0.99)),
    minMs: round(sorted[0] ?? Number.NaN),
    maxMs: round(sorted.at(-1) ?? Number.NaN),
    meanMs: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
  };
}

async function measure(backend: UnleashFlagBackend, mode: 'disable' | 'zero'): Promise<number[]> {
  const flag = flagRefSchema.parse({ backend: 'unleash', name: `bench-rollback-${mode}` });
  const samples: number[] = [];
  for (let i = 0; i < WARMUP + rollbacks; i++) {
    await backend.setPercentage(flag, 25);
    const started = performance.now();
    const state = mode === 'disable' ? await backend.disable(flag) : await backend.setPercentage(flag, 0);
    const elapsed = performance.now() - started;
    const confirmed = mode === 'disable' ? !state.enabled : state.percentage === 0;
    if (!confirmed) throw new Error(`rollback ${i} not confirmed: ${JSON.stringify(state)}`);
    if (i >= WARMUP) samples.push(elapsed);
  }
  return samples;
}

const unleash = await startUnleashServer();
try {
  const api = new HttpUnleashAdminApi({
    url: unleash.url,
    token: unleash.adminToken,
    tokenSource: 'the benchmark',
  });
  const backend = new UnleashFlagBackend(api);
  const disable = summary(await measure(backend, 'disable'));
  const zero = summary(await measure(backend, 'zero'));
  const serverPackage = JSON.parse(
    await readFile(join(root, 'servers/unleash-server/node_modules/unleash-server/package.json'), 'utf8'),
  ) as { version: string };
  const result = {
    benchmark: 'unleash-rollback-latency',
    description:
      'Rollback decision -> Unleash write confirmed by read-back (UnleashFlagBackend over HTTP, loopback), after a setPercentage(25) each time.',
    date: new Date().toISOString(),
    environment: {
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      unleashServer: serverPackage.version,
      database: 'PostgreSQL (fsync off, loopback)',
    },
    warmup: WARMUP,
    rollbacks: { disable, zero },
  };
  await mkdir(join(root, 'bench/results'), { recursive: true });
  await writeFile(
    join(root, 'bench/results/unleash-rollback-latency.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  console.log('rollback   n     p50 ms  p90 ms  p99 ms  max ms');
  for (const [name, s] of Object.entries(result.rollbacks)) {
    console.log(
      `${name.padEnd(9)}  ${String(s.n).padEnd(4)}  ${String(s.p50Ms).padStart(6)}  ${String(s.p90Ms).padStart(6)}  ${String(s.p99Ms).padStart(6)}  ${String(s.maxMs).padStart(6)}`,
    );
  }
} finally {
  await unleash.stop();
}
