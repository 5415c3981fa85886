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
  /** N* of the current-step sequences: their tightest treatment sample (see plannedSamples). */
  plannedSamples: number;
  /** N* of the whole-run sequences (see plannedRunSamples). */
  plannedRunSamples: number;
  /** Steps below 100 % in the spec: the current-step test's alpha is split over them (ALPHA_RULE). */
  comparativeSteps: number;
  /**
   * The next step has no control arm (it is the last step, 100 %): `compare` and `rate` hold this
   * step until they have shown non-inferiority, because after it nothing can detect a harm any more.
   */
  nextStepRemovesControl: boolean;
}
