import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import type { Phase } from './phase.js';

/**
 * One write to the flag backend. `zero` keeps the environment on with rollout 0; `disable` sets
 * rollout 0 and turns the environment off (nobody exposed if a person turns it back on).
 */
export type FlagWrite = { action: 'set'; percentage: number } | { action: 'disable' } | { action: 'zero' };

/** The flag as rampart expects to read it back. */
export interface ExpectedFlag {
  enabled: boolean;
  /** Null when any percentage is fine (a disabled environment keeps whatever it had). */
  percentage: number | null;
}

/**
 * A flag write that was decided and committed but not yet confirmed by read-back. It is part of the
 * durable state so that a crash between decision and write never loses (or repeats) the decision.
 */
export interface PendingWrite {
  write: FlagWrite;
  purpose: 'step' | 'rollback' | 'resume';
  decidedAt: Date;
  /** Failed attempts so far. */
  attempts: number;
  /** Backoff: no attempt before this time. */
  nextAttemptAt: Date;
  lastError: string | null;
}

/** When one step of the current rollout run started (a stratum of the cumulative tests). */
export interface StepStart {
  stepIndex: number;
  percentage: number;
  at: Date;
}

/**
 * The running e-processes of one `users` guardrail (analysis/user-eprocess.ts): log likelihood
 * ratios per grid point, so the evidence (the spent alpha) accumulates over the whole run and
 * survives a restart of rampart. Plain JSON: the state column needs no migration.
 */
export interface UserEvidenceMemory {
  /** The run's first step start (ISO): another run starts afresh. */
  run: string;
  /** The current step's start (ISO): bad users are counted per step. */
  step: string;
  /** Bad users per arm counted into the ratios so far in this step. */
  seen: { treatment: number; control: number };
  /** Harm mixture over the run (product across steps). */
  runHarm: number[];
  /** Harm mixture over the current step alone (a fault that starts late is not diluted). */
  stepHarm: number[];
  /** Non-inferiority mixture over the run ("ratio >= rho" rejected). */
  runSafe: number[];
  /**
   * Exposed users seen in the step at geometrically spaced times since the step started, as
   * [milliseconds, users]: whether new users still arrive (a canary step waits until they slow).
   */
  arrivals?: [number, number][];
}

/** Who started a rollout run, when and why. */
export interface StartRecord {
  actor: string;
  reason: string;
  at: Date;
}

/** Why a rollout is paused; decides which signals may re-alert. */
export type PauseKind = 'manual' | 'guardrail' | 'no_data' | 'external_change';

/** Everything the controller knows about one rollout, persisted after every tick that changes it. */
export interface RolloutState {
  name: string;
  /** The spec the rollout runs with (a refused reload keeps the old one). */
  spec: RolloutSpec;
  phase: Phase;
  /** Index into spec.steps of the current step; -1 before the first step. */
  stepIndex: number;
  /** The percentage rampart decided is live (0 after a rollback). */
  percentage: number;
  stepStartedAt: Date;
  /**
   * Step starts of the current run, oldest first (the last one is the current step): the strata of
   * the cumulative compare/rate tests. Appended on every step move; a person's resume starts a new
   * run at the current step, a restart from rolled_back clears it.
   */
  stepStarts: StepStart[];
  /** Last tick at which no guardrail reported `error` (no data). */
  lastDataAt: Date;
  /** The step index a person approved (approval is per step). */
  approvedStep: number | null;
  /**
   * Who started this run and why (a `start` command, a restart, `start: auto` or the start time);
   * null while a pending rollout waits for its start. Nothing is written to the flag before it.
   */
  started: StartRecord | null;
  /** Why the rollout is paused, rolled back or waiting. */
  reason: string | null;
  pauseKind: PauseKind | null;
  pendingWrite: PendingWrite | null;
  /** What the last confirmed write left in the backend; null before the first write. */
  lastWritten: ExpectedFlag | null;
  /** Why the last tick did not advance (shown on the status page, not audited). */
  hold: string | null;
  /** Hash of the last spec whose reload was refused, so a watcher firing twice audits once. */
  refusedSpecHash: string | null;
  /**
   * Why that reload was refused: while set, the spec file on disk differs from the running spec
   * (shown by `status`, the API and the status page). Optional: states saved before it lack it.
   */
  refusedSpecProblems?: string[] | null;
  /**
   * Evidence of the guardrails whose tests carry memory across ticks, by guardrail name (`users`).
   * Optional: states saved before it lack it.
   */
  guardrailMemory?: Record<string, UserEvidenceMemory>;
  /** Bumped on every save; a save against a stale version is refused. */
  version: number;
  /** Leadership epoch of the writer (fencing token for several replicas; 0 with one). */
  epoch: number;
  updatedAt: Date;
}

/** The percentage a step index stands for (0 before the first step). */
export function stepPercentage(spec: RolloutSpec, stepIndex: number): number {
  return stepIndex < 0 ? 0 : (spec.steps[stepIndex] ?? 0);
}

/**
 * Whether the live step is the last one (100 %): soaking, or paused while soaking. There is no
 * control arm there, so only the guardrails that judge without one are asked.
 */
export function atLastStep(state: Pick<RolloutState, 'spec' | 'stepIndex'>): boolean {
  return state.stepIndex >= 0 && state.stepIndex >= state.spec.steps.length - 1;
}

/** What a write leaves in the backend when it succeeds. */
export function expectedAfter(write: FlagWrite): ExpectedFlag {
  switch (write.action) {
    case 'set':
      return { enabled: true, percentage: write.percentage };
    case 'disable':
      return { enabled: false, percentage: 0 };
    case 'zero':
      return { enabled: true, percentage: 0 };
  }
}

/** Whether a read-back flag is what rampart expects. */
export function matchesExpected(
  read: { exists: boolean; enabled: boolean; percentage: number; otherStrategies?: number },
  expected: ExpectedFlag,
): boolean {
  if (!expected.enabled) {
    // null: a rollback decided before rollbacks also zeroed the strategy (any percentage was fine).
    const zeroed = expected.percentage === null || read.percentage === expected.percentage;
    return !read.exists || (!read.enabled && zeroed);
  }
  // Another active strategy (added by a person) exposes users rampart does not count as treatment.
  if ((read.otherStrategies ?? 0) > 0) return false;
  return (
    read.exists && read.enabled && (expected.percentage === null || read.percentage === expected.percentage)
  );
}
