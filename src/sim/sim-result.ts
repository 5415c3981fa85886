import type { Scenario } from './parse-scenario.js';

export const RULES = ['rampart', 'flagger', 'argo'] as const;
export type RuleName = (typeof RULES)[number];

export type Outcome = Scenario['expect'];

/** One run of a scenario with one seed under one rule (field names and meanings: docs/scenarios.md). */
export interface SimResult {
  scenario: string;
  seed: number;
  rule: string;
  outcome: Outcome;
  expected: Outcome;
  correct: boolean;
  faultAt: number | null;
  detectedAt: number | null;
  rollbackEffectiveAt: number | null;
  detectionSeconds: number | null;
  exposedUsers: number;
  usersAtRisk: number;
  failedLoginsDuringFault: number;
  treatmentSamplesAtDetection: number | null;
  sprtBoundSamples: number | null;
  /** Distinct `inScope: false` users who had the flag on at any time (0 without segments). */
  scopeLeaks: number;
  maxPercentage: number;
  /** The step (percentage) the first fault met: the one it started in, or the first after it; null without a fault or a step. */
  faultStep: number | null;
  finalPercentage: number;
  /** The rollout's phase when the run ended: `paused` is a real pause, `ramping` a step still holding. */
  finalPhase: string;
  stepsReached: number[];
  reason: string | null;
  simulatedSeconds: number;
  wallMs: number;
}

/** One point of the run's timeline, for the plot. */
export interface TimelinePoint {
  t: number;
  /** Percentage the SDKs see. */
  percentage: number;
  /** Login success share over the last five minutes per arm (null without logins). */
  treatment: number | null;
  control: number | null;
}

export interface SimSummary {
  scenario: string;
  rule: string;
  runs: number;
  correctPercent: number;
  medianDetectionSeconds: number | null;
  p90DetectionSeconds: number | null;
  medianExposedUsers: number;
  falseRollbackPercent: number | null;
  medianSamplesOverFloor: number | null;
  medianWallMs: number;
}

export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: an actual observed value, no interpolation.
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] ?? null;
}

/** A scenario without faults that does not expect a rollback (an alert may ask for one): rollbacks are false. */
export function faultFree(r: Pick<SimResult, 'faultAt' | 'expected'>): boolean {
  return r.faultAt === null && r.expected !== 'rolled_back';
}

export function summarize(results: readonly SimResult[]): SimSummary {
  const first = results[0];
  const detections = results.flatMap((r) => (r.detectionSeconds === null ? [] : [r.detectionSeconds]));
  const ratios = results.flatMap((r) =>
    r.treatmentSamplesAtDetection !== null && r.sprtBoundSamples
      ? [r.treatmentSamplesAtDetection / r.sprtBoundSamples]
      : [],
  );
  const round = (x: number | null, d = 1) => (x === null ? null : Math.round(x * 10 ** d) / 10 ** d);
  const free = results.filter(faultFree);
  return {
    scenario: first?.scenario ?? '',
    rule: first?.rule ?? '',
    runs: results.length,
    correctPercent: round((100 * results.filter((r) => r.correct).length) / Math.max(1, results.length)) ?? 0,
    medianDetectionSeconds: quantile(detections, 0.5),
    p90DetectionSeconds: quantile(detections, 0.9),
    medianExposedUsers:
      quantile(
        results.map((r) => r.exposedUsers),
        0.5,
      ) ?? 0,
    falseRollbackPercent:
      free.length === 0
        ? null
        : round((100 * free.filter((r) => r.outcome === 'rolled_back').length) / free.length),
    medianSamplesOverFloor: round(quantile(ratios, 0.5), 2),
    medianWallMs:
      quantile(
        results.map((r) => r.wallMs),
        0.5,
      ) ?? 0,
  };
}
