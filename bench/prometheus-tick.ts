/**
 * One controller tick's worth of metric queries against a real Prometheus: 200 rollouts x 5 guardrails
 * (compare, rate, threshold ratio, zero, srm = 8 instant queries per rollout), every rollout's queries
 * issued at once, all through one PrometheusMetricSource whose in-flight queries are bounded.
 *
 *   npx tsx bench/prometheus-tick.ts [--rollouts=200] [--ticks=30] [--concurrency=16] [--batch=10,1]
 *
 * `--batch`: structured queries of one instant joined per request (1 = one request per query).
 * `--instants`: `shared` (all rollouts evaluated at one instant, batches span rollouts) and/or
 * `per-rollout` (each rollout at its own instant, so a batch holds one rollout's queries).
 *
 * Needs the Debian package `prometheus`. Writes bench/results/prometheus-tick.json.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { guardrailQueries } from '../src/guardrails/registry.js';
import type { MetricSource } from '../src/metric-sources/metric-source.js';
import { prometheusSourceConfigSchema } from '../src/metric-sources/metric-source-config.js';
import {
  createPrometheusAxios,
  createPrometheusHttpApi,
} from '../src/metric-sources/prometheus/create-prometheus-http-api.js';
import { PrometheusMetricSource } from '../src/metric-sources/prometheus/prometheus-metric-source.js';
import { parseRolloutSpec } from '../src/rollout-spec/parse-rollout-spec.js';
import type { RolloutSpec } from '../src/rollout-spec/rollout-spec-schema.js';
import { waitFor } from '../test/support/free-port.js';
import { startPrometheus } from '../test/support/prometheus.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string, fallback: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const ROLLOUTS = Number(arg('rollouts', '200'));
const TICKS = Number(arg('ticks', '30'));
const CONCURRENCIES = arg('concurrency', '16').split(',').map(Number);
const BATCH_SIZES = arg('batch', '10,1').split(',').map(Number);
/** shared: every rollout evaluates at the same instant; per-rollout: each at its own (batches stay within a rollout). */
const INSTANTS = arg('instants', 'shared,per-rollout').split(',') as ('shared' | 'per-rollout')[];
const WARMUP = 3;

/** The flagship spec's five guardrails, one rollout (flag, matchers) per index. */
const flagship = (() => {
  const file = join(root, 'flags/mfa-staff.yaml');
  const parsed = parseRolloutSpec(readFileSync(file, 'utf8'), file);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
})();

function spec(i: number): RolloutSpec {
  const name = `r-${String(i).padStart(3, '0')}`;
  return { ...flagship, name, flag: { ...flagship.flag, name }, matchers: { rollout: name } };
}

/** One tick: every rollout at once, each rollout's guardrail queries at once (as the controller does). */
async function tick(
  source: MetricSource,
  specs: RolloutSpec[],
  stepStart: Date,
  instants: 'shared' | 'per-rollout',
) {
  const outcome = { values: 0, noData: 0, errors: 0 };
  const start = Date.now();
  await Promise.all(
    specs.map((s, i) => {
      const now = new Date(instants === 'shared' ? start : start - i);
      return Promise.all(
        s.guardrails.flatMap((g) =>
          guardrailQueries(s, g).map(async (gq) => {
            try {
              const r =
                gq.type === 'counts'
                  ? await source.counts(gq.query, stepStart, now)
                  : await source.scalar(gq.query, gq.windowMs, now);
              if (r.kind === 'no-data') outcome.noData++;
              else outcome.values++;
            } catch {
              outcome.errors++;
            }
          }),
        ),
      );
    }),
  );
  return outcome;
}

/** The app (and its traffic) in a child process, stopped by PID. */
async function startAppProcess(rollouts: number): Promise<{ port: number; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'bench', 'metrics-app-process.ts'), String(rollouts)],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGTERM');
      await once(child, 'exit');
    }
  };
  for await (const line of createInterface({ input: child.stdout })) {
    const port = /^PORT (\d+)$/.exec(line)?.[1];
    if (port) return { port: Number(port), stop };
  }
  await stop();
  throw new Error('the metrics app process exited before printing its port');
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
const round = (x: number) => Math.round(x * 10) / 10;

async function main(): Promise<void> {
  const rssBaselineMb = round(process.memoryUsage().rss / 2 ** 20);
  const specs = Array.from({ length: ROLLOUTS }, (_, i) => spec(i));
  const app = await startAppProcess(ROLLOUTS);
  const prom = await startPrometheus({ jobs: [{ job: 'app', targets: [`127.0.0.1:${app.port}`] }] });
  const runs = [];
  try {
    const benchStart = new Date();
    const probe = createPrometheusHttpApi(
      prometheusSourceConfigSchema.parse({ type: 'prometheus', url: prom.url }),
    );
    await waitFor(
      'five scrapes of the app',
      async () => {
        const d = await probe.query('count_over_time(up{job="app"}[1m])', new Date());
        return d.resultType === 'vector' && Number(d.result[0]?.value[1] ?? 0) >= 5;
      },
      30_000,
    );
    const combos = CONCURRENCIES.flatMap((c) =>
      BATCH_SIZES.flatMap((b) =>
        b === 1 ? [[c, b, 'shared'] as const] : INSTANTS.map((t) => [c, b, t] as const),
      ),
    );
    for (const [concurrency, batchSize, instants] of combos) {
      const config = prometheusSourceConfigSchema.parse({
        type: 'prometheus',
        url: prom.url,
        concurrency,
        batchSize,
      });
      // Count requests on the wire: identical queries of one rollout share a request.
      const http = createPrometheusAxios(config);
      let requests = 0;
      http.interceptors.request.use((c) => {
        requests++;
        return c;
      });
      const source = new PrometheusMetricSource(createPrometheusHttpApi(config, http), { batchSize });
      const times: number[] = [];
      const cpuMs: number[] = [];
      let perTick = 0;
      let last = { values: 0, noData: 0, errors: 0 };
      let rssMax = 0;
      for (let i = 0; i < WARMUP + TICKS; i++) {
        const before = requests;
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        last = await tick(source, specs, benchStart, instants);
        const ms = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        perTick = requests - before;
        rssMax = Math.max(rssMax, process.memoryUsage().rss);
        if (i >= WARMUP) {
          times.push(ms);
          cpuMs.push((cpu.user + cpu.system) / 1000);
        }
      }
      times.sort((a, b) => a - b);
      cpuMs.sort((a, b) => a - b);
      const run = {
        concurrency,
        batchSize,
        instants,
        ticks: TICKS,
        guardrailQueriesPerTick: last.values + last.noData + last.errors,
        httpQueriesPerTick: perTick,
        p50Ms: round(quantile(times, 0.5)),
        p99Ms: round(quantile(times, 0.99)),
        maxMs: round(times.at(-1) ?? Number.NaN),
        queriesPerSecond: Math.round(perTick / (quantile(times, 0.5) / 1000)),
        rampartCpuMsPerTickP50: round(quantile(cpuMs, 0.5)),
        lastTick: last,
        rampartRssMaxMb: round(rssMax / 2 ** 20),
      };
      console.log(JSON.stringify(run));
      runs.push(run);
    }
  } finally {
    await prom.stop();
    await app.stop();
  }
  const result = {
    benchmark: 'prometheus-tick',
    command: `npx tsx bench/prometheus-tick.ts --rollouts=${ROLLOUTS} --ticks=${TICKS} --concurrency=${CONCURRENCIES.join(',')} --batch=${BATCH_SIZES.join(',')} --instants=${INSTANTS.join(',')}`,
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadavg: loadavg() },
    /** RSS of this process (tsx loader included) before any rollout existed. */
    rampartRssBaselineMb: rssBaselineMb,
    prometheus: execFileSync('prometheus', ['--version'], { encoding: 'utf8' }).split('\n')[0],
    rollouts: ROLLOUTS,
    guardrailsPerRollout: 5,
    targetTickMs: 2_000,
    runs,
  };
  await mkdir(join(root, 'bench', 'results'), { recursive: true });
  await writeFile(
    join(root, 'bench', 'results', 'prometheus-tick.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  console.log(`wrote bench/results/prometheus-tick.json`);
}

await main();
