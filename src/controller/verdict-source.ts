import type { Verdict } from '../analysis/verdict.js';
import type { StepStart, UserEvidenceMemory } from '../rollout/rollout-state.js';
import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';

/** What the controller knows when it asks for verdicts at one tick. */
export interface VerdictRequest {
  spec: RolloutSpec;
  /** Index into spec.steps of the current step. */
  stepIndex: number;
  /** Percentage currently live (as read back from the flag backend). */
  percentage: number;
  /** When the current step started: the current step's counts are taken from here. */
  stepStartedAt: Date;
  /**
   * Step starts of the current rollout run, oldest first (RolloutState.stepStarts). The compare and
   * rate tests use each earlier step's window [start_k, start_k+1) as a stratum; absent or empty,
   * the run is the current step alone.
   */
  stepStarts?: readonly StepStart[];
  /** The guardrails' memory from the rollout state (RolloutState.guardrailMemory), by name. */
  memory?: Readonly<Record<string, UserEvidenceMemory>>;
  now: Date;
}

/** Produces one verdict per guardrail. Never throws: a failed query becomes an `error` verdict. */
export interface VerdictSource {
  /** Verdicts of every guardrail of `req.spec`, in spec order. */
  verdicts(req: VerdictRequest): Promise<Verdict[]>;
}
