/**
 * Detection benchmark: every scenario in bench/scenarios/ with seeds 1..50 under rampart's own
 * analysis and the published decision rules of Flagger (interval 1m, threshold 5 and 10) and Argo
 * Rollouts (interval 1m, failureLimit 3, consecutiveErrorLimit 4), on identical simulated traffic.
 *
 *   npm run bench:detection            # both sets below, v1 then realistic (~1 h on 2 cores)
 *   npm run bench:detection:v1         # all v1 scenarios, seeds 1..50, 2 worker threads
 *   npx tsx bench/detection.ts --seeds=5 --workers=1 --only=token-purge
 *
 * Prints the table, writes bench/results/detection.json and the table into bench/README.md
 * (between the detection markers).
 *
 * The realistic set (bench/scenarios/realistic/: locked, heavy and out-of-scope users, novelty
 * friction, drift, and the faults the user-level guardrails must catch), rampart's rule only, seeds
 * 1..400 by default; writes bench/results/detection-realistic.json and its own README section:
 *
 *   npm run bench:detection:realistic  # = npx tsx bench/detection.ts --set realistic [--seeds 400] [--only ...]
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { loadScenario } from '../src/sim/load-scenario.js';
import { MemoryStore } from '../src/sim/memory-store.js';
import type { RuleOptions } from '../src/sim/rule-options.js';
import { runScenario } from '../src/sim/run-scenario.js';
import { faultFree, quantile, type SimResult, summarize } from '../src/sim/sim-result.js';
import { realisticMarkdown, realisticRows } from './realistic-report.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RULE_SET: RuleOptions[] = [
  { rule: 'rampart' },
  // The peers on the rollout's fixed-limit guardrails (threshold, zero), as docs/scenarios.md says.
  { rule: 'flagger', threshold: 5 },
  { rule: 'flagger', threshold: 10 },
  { rule: 'argo', failureLimit: 3, consecutiveErrorLimit: 4 },
  // The peers with rampart's comparisons translated into per-interval checks as well, plain and with
  // no checks before the fault (their detection alone; see bench/README.md).
  { rule: 'flagger', threshold: 5, peerChecks: 'all' },
  { rule: 'argo', failureLimit: 3, consecutiveErrorLimit: 4, peerChecks: 'all' },
  { rule: 'flagger', threshold: 5, peerChecks: 'all', fromFault: true },
  { rule: 'argo', failureLimit: 3, consecutiveErrorLimit: 4, peerChecks: 'all', fromFault: true },
];

const RUN_FIELDS = [
  'seed',
  'outcome',
  'detectedAt',
  'detectionSeconds',
  'rollbackEffectiveAt',
  'exposedUsers',
  'treatmentSamplesAtDetection',
  'maxPercentage',
  'simulatedSeconds',
  'wallMs',
] as const satisfies readonly (keyof SimResult)[];

interface Job {
  file: string;
  rule: RuleOptions;
  seeds: number[];
}

async function runJob(job: Job): Promise<SimResult[]> {
  const loaded = await loadScenario(job.file);
  if (loaded.ok !== true)
    throw new Error(loaded.ok === 'missing' ? `missing ${job.file}` : loaded.error.message);
  const out: SimResult[] = [];
  for (const seed of job.seeds) {
    const { result } = await runScenario(loaded.value, {
      ...job.rule,
      seed,
      openStore: async () => new MemoryStore(),
    });
    out.push(result);
  }
  return out;
}

if (!isMainThread) {
  parentPort?.on('message', async (job: Job | null) => {
    if (job === null) {
      process.exit(0);
    }
    try {
      parentPort?.postMessage({ ok: true, results: await runJob(job) });
    } catch (error) {
      parentPort?.postMessage({ ok: false, error: String(error) });
    }
  });
  parentPort?.postMessage({ ready: workerData });
} else {
  await main();
}

/** `--name=value` or `--name value`. */
function arg(name: string, fallback: string): string {
  const argv = process.argv;
  const hit = argv.find((a) => a.startsWith(`--${name}=`));
  if (hit) return hit.slice(name.length + 3);
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? (argv[i + 1] as string) : fallback;
}

async function main(): Promise<void> {
  const set = arg('set', 'v1');
  if (set !== 'v1' && set !== 'realistic') throw new Error(`--set must be v1 or realistic, not ${set}`);
  const realistic = set === 'realistic';
  const fullSeeds = realistic ? 400 : 50;
  const seedCount = Number(arg('seeds', String(fullSeeds)));
  const workers = Number(arg('workers', String(Math.min(2, cpus().length))));
  const only = arg('only', '');
  const dir = join(root, realistic ? 'bench/scenarios/realistic' : 'bench/scenarios');
  const files = (await readdir(dir))
    .filter((f) => f.endsWith('.yaml') && (!only || only.split(',').includes(f.replace(/\.yaml$/, ''))))
    .sort()
    .map((f) => relative(process.cwd(), join(dir, f)));
  const seeds = Array.from({ length: seedCount }, (_, i) => i + 1);
  const rules: RuleOptions[] = realistic ? [{ rule: 'rampart' }] : RULE_SET;
  const jobs: Job[] = files.flatMap((file) => rules.map((rule) => ({ file, rule, seeds })));
  const started = performance.now();
  const results = await runPool(jobs, workers);
  const wallSeconds = (performance.now() - started) / 1000;
  if (realistic) {
    const rows = realisticRows(results);
    const date = new Date().toISOString();
    const command = `npx tsx bench/detection.ts --set realistic --seeds=${seedCount} --workers=${workers}`;
    const header =
      `Seeds 1..${seedCount} per scenario, rampart's rule; ${results.length} runs in ${Math.round(wallSeconds)} s wall ` +
      `(${cpus().length} cores, ${process.version}). \`${command}\`, ${date.slice(0, 10)}.`;
    const table = realisticMarkdown(rows, header);
    process.stdout.write(`${table}\n`);
    await mkdir(join(root, 'bench/results'), { recursive: true });
    const report = { benchmark: 'detection-realistic', command, date, seeds: `1..${seedCount}`, files, rows };
    await writeFile(join(root, 'bench/results/detection-realistic.json'), `${compactJson(report)}\n`);
    if (!only && seedCount === fullSeeds) await writeReadme(table, 'detection-realistic');
    return;
  }
  const publicNames = new Set(
    (await readdir(join(root, 'bench/scenarios'))).filter((f) => f.endsWith('.yaml')),
  );
  const report = buildReport(results, { seedCount, workers, wallSeconds, files, publicNames });
  const table = markdown(report);
  process.stdout.write(`${table}\n`);
  await mkdir(join(root, 'bench/results'), { recursive: true });
  await writeFile(join(root, 'bench/results/detection.json'), `${compactJson(report)}\n`);
  if (!only && seedCount === 50) await writeReadme(table, 'detection');
}

/** Indented JSON with arrays of plain values on one line each. */
function compactJson(value: unknown): string {
  return JSON.stringify(value, null, 1).replace(
    /\[\s+([^[\]{}]*?)\s+\]/g,
    (_, inner: string) => `[${inner.replace(/\s*\n\s*/g, ' ')}]`,
  );
}

async function runPool(jobs: Job[], workers: number): Promise<SimResult[]> {
  if (workers <= 1) {
    const all: SimResult[] = [];
    for (const job of jobs) all.push(...(await runJob(job)));
    return all;
  }
  const queue = [...jobs];
  const all: SimResult[][] = [];
  await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      // A worker cannot start from a .ts file under tsx: a small ESM shim registers tsx, then imports us.
      const api = import.meta.resolve('tsx/esm/api');
      const shim = `import { register } from ${JSON.stringify(api)}; register(); await import(${JSON.stringify(import.meta.url)});`;
      const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(shim)}`), {
        workerData: w,
      });
      return new Promise<void>((resolve, reject) => {
        let current: number | undefined;
        const next = () => {
          const job = queue.shift();
          if (!job) {
            worker.postMessage(null);
            return;
          }
          current = jobs.indexOf(job);
          worker.postMessage(job);
        };
        worker.on('message', (m: { ready?: number; ok?: boolean; results?: SimResult[]; error?: string }) => {
          if (m.ready !== undefined) return next();
          if (!m.ok) return reject(new Error(m.error));
          if (current !== undefined) all[current] = m.results ?? [];
          next();
        });
        worker.on('error', reject);
        worker.on('exit', () => resolve());
      });
    }),
  );
  return all.flat();
}

interface ReportOptions {
  seedCount: number;
  workers: number;
  wallSeconds: number;
  files: string[];
  publicNames: Set<string>;
}

function buildReport(results: SimResult[], o: ReportOptions) {
  const groups = new Map<string, SimResult[]>();
  for (const r of results) {
    const key = `${r.scenario}\0${r.rule}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const rows = [...groups.values()].map((rs) => {
    const s = summarize(rs);
    const falseBeforeFault = rs.filter(
      (r) => r.faultAt !== null && r.detectedAt !== null && r.detectedAt < r.faultAt,
    ).length;
    return {
      ...s,
      expected: rs[0]?.expected,
      sprtBoundSamples: rs[0]?.sprtBoundSamples ?? null,
      medianSamplesAtDetection: quantile(
        rs.flatMap((r) => (r.treatmentSamplesAtDetection === null ? [] : [r.treatmentSamplesAtDetection])),
        0.5,
      ),
      rolledBackBeforeFaultPercent: Math.round((1000 * falseBeforeFault) / rs.length) / 10,
      maxDetectionSeconds: quantile(
        rs.flatMap((r) => (r.detectionSeconds === null ? [] : [r.detectionSeconds])),
        1,
      ),
      p90WallMs: quantile(
        rs.map((r) => r.wallMs),
        0.9,
      ),
      maxWallMs: quantile(
        rs.map((r) => r.wallMs),
        1,
      ),
      medianSimulatedSeconds: quantile(
        rs.map((r) => r.simulatedSeconds),
        0.5,
      ),
      // One array per run (fields in `runFields`) keeps the file small enough to commit and diff.
      results: rs.map((r) => RUN_FIELDS.map((f) => r[f])),
    };
  });
  const freeRampart = results.filter((r) => r.rule === 'rampart' && faultFree(r));
  return {
    benchmark: 'detection',
    command: `npx tsx bench/detection.ts --seeds=${o.seedCount} --workers=${o.workers}`,
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version },
    seeds: `1..${o.seedCount}`,
    rules: RULE_SET,
    scenarios: o.files,
    wallSeconds: Math.round(o.wallSeconds * 10) / 10,
    runsTotal: results.length,
    /** Field names of each entry of rows[].results. */
    runFields: RUN_FIELDS,
    falseRollbackRampart: {
      runs: freeRampart.length,
      rolledBack: freeRampart.filter((r) => r.outcome === 'rolled_back').length,
    },
    rows,
  };
}

type Report = ReturnType<typeof buildReport>;

function markdown(report: Report): string {
  const rules = [...new Set(report.rows.map((r) => r.rule))];
  const scenarios = [...new Set(report.rows.map((r) => r.scenario))];
  const fmt = (x: number | null | undefined) => (x === null || x === undefined ? '–' : String(x));
  const lines = [
    `Seeds ${report.seeds} per scenario and rule; ${report.runsTotal} runs in ${report.wallSeconds} s wall ` +
      `(${report.machine.cpus} cores, ${report.machine.node}). \`npm run bench:detection:v1\`, ${report.date.slice(0, 10)}.`,
    '',
    '| scenario | expect | rule | correct % | median / p90 detection s | median users hurt | rolled back before fault % | false rollback % (fault-free) | median samples at detection / SPRT floor | median wall ms |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const s of scenarios) {
    for (const rule of rules) {
      const r = report.rows.find((x) => x.scenario === s && x.rule === rule);
      if (!r) continue;
      const ratio =
        r.medianSamplesAtDetection === null || !r.sprtBoundSamples
          ? '–'
          : `${r.medianSamplesAtDetection} / ${r.sprtBoundSamples} = ${fmt(r.medianSamplesOverFloor)}`;
      lines.push(
        `| ${s} | ${r.expected} | ${rule} | ${r.correctPercent} | ${fmt(r.medianDetectionSeconds)} / ${fmt(r.p90DetectionSeconds)} | ` +
          `${r.medianExposedUsers} | ${r.rolledBackBeforeFaultPercent} | ${fmt(r.falseRollbackPercent)} | ${ratio} | ${r.medianWallMs} |`,
      );
    }
  }
  const f = report.falseRollbackRampart;
  lines.push('', `rampart false rollbacks on fault-free scenarios: ${f.rolledBack} of ${f.runs} runs.`);
  return lines.join('\n');
}

async function writeReadme(table: string, marker: string): Promise<void> {
  const file = join(root, 'bench/README.md');
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    text = '# Benchmarks\n';
  }
  const block = `${start}\n${table}\n${end}`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  text =
    i >= 0 && j > i
      ? `${text.slice(0, i)}${block}${text.slice(j + end.length)}`
      : `${text.trimEnd()}\n\n${block}\n`;
  await writeFile(file, text);
}
