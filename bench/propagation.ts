/**
 * Rollback propagation with the embedded backend: from rampart's rollback decision (the call into the
 * backend that writes the flag off) to the unmodified unleash-client evaluating the flag off, for
 * three SDK instances side by side on each rollback: full polling, delta polling (both at a short
 * refresh interval) and streaming. Then the simulator's exposure at the flagship traffic with each
 * measured p99 as `flagPropagation`, beside the SDK's default 15 s poll.
 *
 *   npm run bench:propagation            # = npx tsx bench/propagation.ts [rollbacks=200] [refreshMs=500]
 *
 * Writes bench/results/propagation.json.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { Registry } from 'prom-client';
import { InMemStorageProvider, Unleash, UnleashEvents } from 'unleash-client';
import { clientFeatureSourceFromFlags } from '../src/flag-backends/client-feature-source.js';
import { EmbeddedFlagBackend } from '../src/flag-backends/embedded/embedded-flag-backend.js';
import { FlagChangeSignal, signalFlagWrites } from '../src/flag-backends/flag-change-signal.js';
import { FleetTracker } from '../src/flag-backends/fleet/fleet-tracker.js';
import { createClientApiRouter } from '../src/http/routes/client-api.js';
import { ClientStreamHub } from '../src/http/routes/client-stream-hub.js';
import { flagRefSchema } from '../src/rollout-spec/rollout-spec-schema.js';
import { loadScenario } from '../src/sim/load-scenario.js';
import { MemoryStore } from '../src/sim/memory-store.js';
import { runScenario } from '../src/sim/run-scenario.js';
import { quantile } from '../src/sim/sim-result.js';
import { openSqliteStore } from '../src/store/open-sqlite-store.js';
import { systemClock } from '../src/time/clock.js';
import { systemTicker } from '../src/time/system-ticker.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rollbacks = Number(process.argv[2] ?? 200);
const refreshMs = Number(process.argv[3] ?? 500);
const WARMUP = 5;
const TOKEN = 'default:production.bench-propagation';
const MODES = ['polling', 'delta', 'streaming'] as const;
type Mode = (typeof MODES)[number];
const flag = flagRefSchema.parse({ backend: 'embedded', name: 'bench-propagation' });
const ctx = { userId: 'user-1' };

const store = await openSqliteStore({ path: ':memory:' });
const signal = new FlagChangeSignal();
const backend = new EmbeddedFlagBackend(signalFlagWrites(store.flags, signal), systemClock);
await backend.setPercentage(flag, 100);
const source = clientFeatureSourceFromFlags(store.flags);
const registry = new Registry();
const fleet = new FleetTracker({ clock: systemClock });
const streams = new ClientStreamHub(source, { ticker: systemTicker, changes: signal }, registry, fleet);
const app = express();
app.use(createClientApiRouter({ source, tokens: [TOKEN], registry, streams, fleet }));
const server = await new Promise<Server>((resolve) => {
  const s = app.listen(0, '127.0.0.1', () => resolve(s));
});
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;

/** The SDK in one mode; `onChange` runs when it applied new flags (the moment its evaluation changes). */
async function sdk(mode: Mode, onChange: () => void): Promise<Unleash> {
  const client = new Unleash({
    appName: 'bench',
    instanceId: mode,
    url,
    customHeaders: { Authorization: TOKEN },
    refreshInterval: mode === 'streaming' ? 60_000 : refreshMs,
    disableMetrics: true,
    storageProvider: new InMemStorageProvider(),
    skipInstanceCountWarning: true,
    experimentalMode:
      mode === 'polling'
        ? { type: 'polling', format: 'full' }
        : mode === 'delta'
          ? { type: 'polling', format: 'delta' }
          : { type: 'streaming' },
  });
  client.on(UnleashEvents.Error, (e) => console.error(mode, String(e)));
  client.on(UnleashEvents.Changed, onChange);
  await new Promise<void>((resolve) => client.once(UnleashEvents.Synchronized, () => resolve()));
  return client;
}

const samples: Record<Mode, number[]> = { polling: [], delta: [], streaming: [] };
let waiting:
  | { started: number; want: boolean; pending: Set<Mode>; done: () => void; record: boolean }
  | undefined;
const clients = {} as Record<Mode, Unleash>;
for (const mode of MODES) {
  clients[mode] = await sdk(mode, () => {
    const w = waiting;
    if (w === undefined || !w.pending.has(mode) || clients[mode].isEnabled(flag.name, ctx) !== w.want) return;
    if (w.record) samples[mode].push(performance.now() - w.started);
    w.pending.delete(mode);
    if (w.pending.size === 0) w.done();
  });
}

/** Writes the flag and waits until every SDK evaluates it as written. */
async function flip(on: boolean, record: boolean): Promise<void> {
  await new Promise<void>((resolve) => {
    waiting = { started: performance.now(), want: on, pending: new Set(MODES), done: resolve, record };
    void (on ? backend.setPercentage(flag, 100) : backend.disable(flag));
  });
  waiting = undefined;
}

for (let i = 0; i < WARMUP + rollbacks; i++) {
  await flip(true, false);
  // A random pause, so the rollbacks fall at random points of the polling SDKs' refresh cycle.
  await new Promise((resolve) => setTimeout(resolve, Math.random() * refreshMs));
  await flip(false, i >= WARMUP);
}
for (const client of Object.values(clients)) client.destroy();
streams.close();
server.closeAllConnections();
await new Promise((resolve) => server.close(resolve));
await store.close();

const round = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
const stats = (values: number[]) => ({
  n: values.length,
  p50Ms: round(quantile(values, 0.5)),
  p90Ms: round(quantile(values, 0.9)),
  p99Ms: round(quantile(values, 0.99)),
  maxMs: round(Math.max(...values)),
});
const propagation = Object.fromEntries(MODES.map((m) => [m, stats(samples[m])])) as Record<
  Mode,
  ReturnType<typeof stats>
>;

// The simulator: users hurt at the flagship's traffic (300 logins/min; the fault, every treatment
// login failing, starts at the 25 % step: 75 treatment logins a minute) with each propagation delay,
// seeds 1..20. Each login draws from its own random stream, so a seed's runs are identical up to the
// rollback decision and differ only after it: `afterDecision` is the per-seed difference to 0 ms.
const scenarioFile = join(root, 'bench/propagation-scenarios/crash-at-25.yaml');
const loaded = await loadScenario(scenarioFile);
if (loaded.ok !== true) throw new Error(`cannot load ${scenarioFile}`);
const SEEDS = 20;
const delays: [string, number][] = [
  ['none (0 ms, the floor)', 0],
  ['streaming (measured p99)', propagation.streaming.p99Ms ?? 0],
  [`delta, ${refreshMs} ms refresh (measured p99)`, propagation.delta.p99Ms ?? 0],
  [`polling, ${refreshMs} ms refresh (measured p99)`, propagation.polling.p99Ms ?? 0],
  ['polling, SDK default 15 s refresh (bound)', 15_000],
];
const exposedBySeed: number[][] = [];
for (const [, ms] of delays) {
  const exposed: number[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const { result } = await runScenario(
      { ...loaded.value, flagPropagation: Math.round(ms) },
      { rule: 'rampart', seed, openStore: async () => new MemoryStore() },
    );
    exposed.push(result.exposedUsers);
  }
  exposedBySeed.push(exposed);
}
const floor = exposedBySeed[0] ?? [];
const exposure = delays.map(([label, ms], i) => {
  const exposed = exposedBySeed[i] ?? [];
  const after = exposed.map((n, seed) => n - (floor[seed] ?? 0));
  return {
    propagation: label,
    flagPropagationMs: Math.round(ms),
    medianExposedUsers: quantile(exposed, 0.5),
    medianAfterDecision: quantile(after, 0.5),
    p90AfterDecision: quantile(after, 0.9),
  };
});

const result = {
  at: new Date().toISOString(),
  rollbacks,
  refreshMs,
  cpus: cpus().length,
  node: process.version,
  propagation,
  exposure,
};
await mkdir(join(root, 'bench/results'), { recursive: true });
await writeFile(join(root, 'bench/results/propagation.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
process.exit(0);
