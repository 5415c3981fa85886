/** Where the rollout stands when its guardrails are judged. */
export interface RolloutStep {
  /** Index into spec.steps. */
  stepIndex: number;
  /** Percentage currently live (as read back from the flag backend). */
  percentage: number;
  /**
   * Milliseconds since the current step started, when known: `srm` is inconclusive during its
   * `settle` time, while the counts still hold traffic served at the previous percentage.
   */
  sinceStepStartMs?: number;
}

/** What an evaluator needs to know about the step, derived from the spec by evaluateGuardrails. */
export interface StepContext extends RolloutStep {
  /** N*: treatment sample at which the confidence sequences are tightest (see plannedSamples). */
  plannedSamples: number;
}
