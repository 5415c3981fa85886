import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import { comparativeSteps } from './alpha.js';

/** N* never falls below this, so a spec with `minSamples: 0` still has a sane confidence sequence. */
export const MIN_PLANNED_SAMPLES = 100;

/**
 * N*, the treatment sample at which the confidence sequence is tightest.
 *
 * Why `minSamples`: it is the treatment sample at which the step may first advance, i.e. where the
 * decision is taken, and it is known before any data arrives. Choosing N* from the data (e.g.
 * observed traffic) would make the boundary depend on what it judges and void its guarantee. The
 * analysis is pure and does not know the traffic, so the spec's own number is the step's expected
 * sample. A smaller N* also tightens the sequence early, which is what stops a total failure after a
 * handful of users; far past N* the width grows only like sqrt(log N).
 */
export function plannedSamples(spec: Pick<RolloutSpec, 'minSamples'>): number {
  return Math.max(spec.minSamples, MIN_PLANNED_SAMPLES);
}

/**
 * N* of the whole-run sequence: the treatment sample at which the run reaches its last step with a
 * control arm, N* of each step below 100 % added up (known before any data, like plannedSamples).
 * A moderate harm is decided there, across the steps; tuning that sequence for one step's sample
 * would make it widen like sqrt(log N) over the run's thousands of logins.
 */
export function plannedRunSamples(spec: Pick<RolloutSpec, 'minSamples' | 'steps'>): number {
  return plannedSamples(spec) * Math.max(1, comparativeSteps(spec));
}
