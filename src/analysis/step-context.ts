import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import { comparativeSteps } from './alpha.js';
import { plannedRunSamples, plannedSamples } from './planned-sample.js';

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

/** What an evaluator needs to know about the step, derived from the spec by stepContext. */
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
  /** The spec's steps and declared population (`users` finds its canary steps from them). */
  steps?: readonly number[];
  population?: number | undefined;
  /** The spec's `canaryMaxWait` in milliseconds: the longest a canary step waits for users. */
  canaryMaxWaitMs?: number;
}

/** The StepContext of `ctx`: N* and the alpha split come from the spec, the same for every guardrail. */
export function stepContext(spec: RolloutSpec, ctx: RolloutStep): StepContext {
  return {
    ...ctx,
    plannedSamples: plannedSamples(spec),
    plannedRunSamples: plannedRunSamples(spec),
    comparativeSteps: comparativeSteps(spec),
    nextStepRemovesControl: nextStepRemovesControl(spec.steps, ctx.stepIndex),
    steps: spec.steps,
    population: spec.population,
    canaryMaxWaitMs: spec.canaryMaxWait,
  };
}

/**
 * Whether moving on from `stepIndex` leaves no control arm: the next step is the last one (the schema
 * makes it 100 %) or is 100 % itself. False at the last step, where there is nothing to move to.
 */
export function nextStepRemovesControl(steps: readonly number[], stepIndex: number): boolean {
  const next = steps[stepIndex + 1];
  return next !== undefined && (next >= 100 || stepIndex + 1 === steps.length - 1);
}
