/**
 * The realistic set's table (bench/scenarios/realistic/): per scenario, what the targets of the
 * statistics on real staff populations are judged on — false rollbacks with their one-sided 95 %
 * Clopper-Pearson upper bound, pauses, rollbacks, runs that never went past the step the fault
 * met, users hurt and scope leaks.
 */
import { faultFree, quantile, type SimResult } from '../src/sim/sim-result.js';

/** ln P(X = k) for X ~ Binomial(n, p). */
function logPmf(k: number, n: number, p: number): number {
  let lc = 0;
  for (let i = 1; i <= k; i++) lc += Math.log((n - k + i) / i);
  return lc + k * Math.log(p) + (n - k) * Math.log1p(-p);
}

/**
 * One-sided upper confidence bound for a binomial proportion after x events in n runs (Clopper and
 * Pearson, 1934): the p at which P(X <= x) = 1 - level, by bisection on the exact binomial CDF.
 */
export function clopperPearsonUpper(x: number, n: number, level = 0.95): number {
  if (n === 0) return 1;
  if (x >= n) return 1;
  const cdf = (p: number) => {
    let sum = 0;
    for (let k = 0; k <= x; k++) sum += Math.exp(logPmf(k, n, p));
    return sum;
  };
  let lo = x / n;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) > 1 - level) lo = mid;
    else hi = mid;
  }
  return hi;
}

const pct = (k: number, n: number) => (n === 0 ? 0 : Math.round((1000 * k) / n) / 10);

/** One row per scenario (rampart's rule only: the set measures rampart's own validity and power). */
export function realisticRows(results: readonly SimResult[]) {
  const groups = new Map<string, SimResult[]>();
  for (const r of results) groups.set(r.scenario, [...(groups.get(r.scenario) ?? []), r]);
  return [...groups.entries()].map(([scenario, rs]) => {
    const n = rs.length;
    // A rollback of a fault-free run, or one decided before the fault began, is a false one.
    const falseRollbacks = rs.filter((r) =>
      faultFree(r)
        ? r.outcome === 'rolled_back'
        : r.detectedAt !== null && r.faultAt !== null && r.detectedAt < r.faultAt,
    ).length;
    const hasFault = rs.some((r) => r.faultAt !== null);
    return {
      scenario,
      expected: rs[0]?.expected ?? null,
      seeds: n,
      falseRollbacks,
      falseRollbackPercent: pct(falseRollbacks, n),
      falseRollbackUpper95Percent: Math.round(clopperPearsonUpper(falseRollbacks, n) * 1000) / 10,
      // A real pause (the rollout's phase), not a step still holding when the run ended.
      pauses: rs.filter((r) => r.finalPhase === 'paused').length,
      pausePercent: pct(rs.filter((r) => r.finalPhase === 'paused').length, n),
      stillHoldingPercent: pct(
        rs.filter((r) => r.outcome === 'paused' && r.finalPhase !== 'paused').length,
        n,
      ),
      completedPercent: pct(rs.filter((r) => r.outcome === 'completed').length, n),
      rolledBackPercent: pct(rs.filter((r) => r.outcome === 'rolled_back').length, n),
      neverPastFaultStepPercent: hasFault
        ? pct(rs.filter((r) => r.faultStep === null || r.maxPercentage <= r.faultStep).length, n)
        : null,
      medianDetectionSeconds: quantile(
        rs.flatMap((r) => (r.detectionSeconds === null ? [] : [r.detectionSeconds])),
        0.5,
      ),
      medianUsersHurt: quantile(
        rs.map((r) => r.exposedUsers),
        0.5,
      ),
      maxScopeLeaks: Math.max(0, ...rs.map((r) => r.scopeLeaks)),
      sprtBoundSamples: rs[0]?.sprtBoundSamples ?? null,
      medianWallMs: quantile(
        rs.map((r) => r.wallMs),
        0.5,
      ),
      // Per run: [seed, outcome, maxPercentage, faultStep, detectionSeconds, exposedUsers, scopeLeaks, reason].
      runs: rs.map((r) => [
        r.seed,
        r.outcome,
        r.maxPercentage,
        r.faultStep,
        r.detectionSeconds,
        r.exposedUsers,
        r.scopeLeaks,
        r.reason,
      ]),
    };
  });
}

type Row = ReturnType<typeof realisticRows>[number];

export function realisticMarkdown(rows: readonly Row[], header: string): string {
  const fmt = (x: number | null | undefined) => (x === null || x === undefined ? '–' : String(x));
  const lines = [
    header,
    '',
    "| scenario | expect | seeds | false rollbacks (95 % upper) | pauses | still holding at the end % | completed % | rolled back % | never past the fault's step % | median detection s | median users hurt | max scope leaks | median wall ms |",
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows)
    lines.push(
      `| ${r.scenario} | ${r.expected} | ${r.seeds} | ${r.falseRollbacks} = ${r.falseRollbackPercent} % (${r.falseRollbackUpper95Percent} %) | ` +
        `${r.pauses} = ${r.pausePercent} % | ${r.stillHoldingPercent} | ${r.completedPercent} | ${r.rolledBackPercent} | ${fmt(r.neverPastFaultStepPercent)} | ` +
        `${fmt(r.medianDetectionSeconds)} | ${fmt(r.medianUsersHurt)} | ${r.maxScopeLeaks} | ${fmt(r.medianWallMs)} |`,
    );
  return lines.join('\n');
}
