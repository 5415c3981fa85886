import { writeFile } from 'node:fs/promises';
import { PEER_CHECK_SETS, type PeerCheckSet } from '../guardrails/peer-check.js';
import { parseDuration } from '../rollout-spec/duration.js';
import { loadScenario } from '../sim/load-scenario.js';
import { MemoryStore } from '../sim/memory-store.js';
import { plotSvg } from '../sim/plot-svg.js';
import { type RunOptions, runScenario } from '../sim/run-scenario.js';
import { RULES, type RuleName, type SimResult, summarize } from '../sim/sim-result.js';
import type { Command } from './command.js';
import { EXIT, usageError } from './command.js';

function positiveInt(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^[1-9]\d*$/.test(value)) return undefined;
  return Number(value);
}

function human(r: SimResult): string {
  const lines = [
    `${r.scenario} seed ${r.seed} (${r.rule}): ${r.outcome}, expected ${r.expected} -> ${r.correct ? 'correct' : 'WRONG'}`,
  ];
  if (r.faultAt !== null) {
    const detected =
      r.detectedAt === null
        ? 'not rolled back'
        : `rollback decided at ${r.detectedAt} s (${r.detectionSeconds} s after)`;
    lines.push(`  fault at ${r.faultAt} s; ${detected}; effective at ${r.rollbackEffectiveAt ?? '-'} s`);
    lines.push(
      `  users hurt ${r.exposedUsers}, at risk ${r.usersAtRisk}, failed logins ${r.failedLoginsDuringFault}; ` +
        `samples at detection ${r.treatmentSamplesAtDetection ?? '-'} (SPRT floor ${r.sprtBoundSamples ?? '-'})`,
    );
  } else if (r.rollbackEffectiveAt !== null) {
    lines.push(`  rolled back without a fault; effective at ${r.rollbackEffectiveAt} s`);
  }
  lines.push(
    `  steps ${r.stepsReached.join(' -> ') || 'none'}; max ${r.maxPercentage} %, final ${r.finalPercentage} %`,
  );
  if (r.scopeLeaks > 0) lines.push(`  scope leaks: ${r.scopeLeaks} out-of-scope users had the flag on`);
  if (r.reason) lines.push(`  reason: ${r.reason}`);
  lines.push(`  ${r.simulatedSeconds} simulated s in ${r.wallMs} ms`);
  return `${lines.join('\n')}\n`;
}

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'Run a simulation scenario against the real controller on a virtual clock; report the outcome.',
  usage:
    'rampart simulate --scenario FILE [--json] [--seeds N] [--rule rampart|flagger|argo] [--plot OUT.svg]',
  details: `Options:
  --scenario FILE  Scenario YAML (format: docs/scenarios.md); its rollout path is relative to it.
  --json           One result object (or, with --seeds, { results: [...], summary }).
  --seeds N        Run seeds 1..N instead of the file's seed.
  --rule R         Who decides to roll back: rampart (default), flagger or argo (their published
                   decision rules on the same traffic; see bench/README.md for the settings).
  --threshold N    Flagger's threshold (default 5).
  --peer-checks S  What the peer checks: limits (default: the threshold and zero guardrails, as
                   docs/scenarios.md says) or all (compare and rate too, as per-interval checks).
  --interval D     Peer analysis interval (default 1m).
  --plot OUT.svg   Draw the run (the first seed) as an SVG.
  -h, --help

Exit codes:
  0  every run ended as the scenario expects
  1  a run did not, or the scenario is invalid
  2  usage error`,
  options: {
    scenario: { type: 'string' },
    json: { type: 'boolean' },
    seeds: { type: 'string' },
    rule: { type: 'string' },
    threshold: { type: 'string' },
    'peer-checks': { type: 'string' },
    interval: { type: 'string' },
    plot: { type: 'string' },
  },
  allowPositionals: false,
  async run({ values }, { io }) {
    const file = values.scenario;
    if (typeof file !== 'string') return usageError(io, simulateCommand, '--scenario FILE is required');
    const rule = (values.rule ?? 'rampart') as RuleName;
    if (!RULES.includes(rule)) {
      return usageError(
        io,
        simulateCommand,
        `--rule ${String(values.rule)} is not one of ${RULES.join(', ')}`,
      );
    }
    const seeds = values.seeds === undefined ? undefined : positiveInt(values.seeds);
    if (values.seeds !== undefined && seeds === undefined)
      return usageError(
        io,
        simulateCommand,
        `--seeds must be a positive integer, got ${String(values.seeds)}`,
      );
    const threshold = values.threshold === undefined ? 5 : positiveInt(values.threshold);
    if (threshold === undefined)
      return usageError(
        io,
        simulateCommand,
        `--threshold must be a positive integer, got ${String(values.threshold)}`,
      );
    const peerChecks = (values['peer-checks'] ?? 'limits') as PeerCheckSet;
    if (!PEER_CHECK_SETS.includes(peerChecks))
      return usageError(
        io,
        simulateCommand,
        `--peer-checks ${String(values['peer-checks'])} is not one of ${PEER_CHECK_SETS.join(', ')}`,
      );
    const intervalMs = values.interval === undefined ? 60_000 : parseDuration(String(values.interval));
    if (!intervalMs)
      return usageError(
        io,
        simulateCommand,
        `--interval must be a duration such as 1m, got ${String(values.interval)}`,
      );

    const loaded = await loadScenario(file);
    if (loaded.ok === 'missing') return usageError(io, simulateCommand, `no such file: ${file}`);
    if (!loaded.ok) {
      io.err(`${loaded.error.message}\n`);
      return EXIT.failed;
    }
    const scenario = loaded.value;
    const options: Omit<RunOptions, 'seed'> = {
      rule,
      threshold,
      intervalMs,
      peerChecks,
      openStore: async () => new MemoryStore(),
      timeline: typeof values.plot === 'string',
    };
    const seedList = seeds === undefined ? [scenario.seed] : Array.from({ length: seeds }, (_, i) => i + 1);
    const results: SimResult[] = [];
    for (const [i, seed] of seedList.entries()) {
      const out = await runScenario(scenario, { ...options, seed, timeline: options.timeline && i === 0 });
      results.push(out.result);
      if (i === 0 && typeof values.plot === 'string') {
        const faults = scenario.faults.map((f) => ({
          at: f.at / 1000,
          ...(f.until === undefined ? {} : { until: f.until / 1000 }),
          label: `${f.effect} (${f.arm})`,
        }));
        await writeFile(values.plot, plotSvg(out.result, out.timeline, faults));
      }
    }
    const summary = summarize(results);
    if (values.json) {
      io.out(`${JSON.stringify(seeds === undefined ? results[0] : { results, summary }, null, 2)}\n`);
    } else {
      for (const r of results) io.out(human(r));
      if (seeds !== undefined) {
        io.out(
          `summary: ${summary.correctPercent} % correct over ${summary.runs} seeds; median detection ` +
            `${summary.medianDetectionSeconds ?? '-'} s (p90 ${summary.p90DetectionSeconds ?? '-'}); ` +
            `median users hurt ${summary.medianExposedUsers}\n`,
        );
      }
    }
    return results.every((r) => r.correct) ? EXIT.ok : EXIT.failed;
  },
};
