import type { Verdict } from '../analysis/verdict.js';
import type { RolloutSpec } from '../spec/rollout-spec-schema.js';

/** What the controller knows when it asks for verdicts at one tick. */
export interface VerdictRequest {
  spec: RolloutSpec;
  /** Index into spec.steps of the current step. */
  stepIndex: number;
  /** Percentage currently live (as read back from the flag backend). */
  percentage: number;
  /** When the current step started: counts are taken from here, so each step's test restarts. */
  stepStartedAt: Date;
  now: Date;
}

/** Produces one verdict per guardrail. Never throws: a failed query becomes an `error` verdict. */
export interface VerdictSource {
  /** Verdicts of every guardrail of `req.spec`, in spec order. */
  verdicts(req: VerdictRequest): Promise<Verdict[]>;
}
