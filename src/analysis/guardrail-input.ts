import type { UserEvidenceMemory } from '../rollout/rollout-state.js';

/** A measurement as the analysis sees it: a value, no data (hold), or an error (hold, reported). */
export type Measured<T> =
  | { status: 'ok'; value: T }
  | { status: 'no-data'; reason: string }
  | { status: 'error'; reason: string };

/** Event counts per arm over one window (the current step since its start, or one earlier step). */
export interface ArmCounts {
  treatment: number;
  control: number;
}

/** Counts of one earlier step of the rollout run (a closed stratum), for the cumulative tests. */
export interface CompareStratumInput {
  good: Measured<ArmCounts>;
  total: Measured<ArmCounts>;
}

export interface RateStratumInput {
  events: Measured<ArmCounts>;
  per: Measured<ArmCounts>;
}

/** What a `users` guardrail remembers from earlier ticks, and which run and step this tick is in. */
export interface MemoryContext {
  prev: UserEvidenceMemory | undefined;
  /** The run's first step start (ISO). */
  run: string;
  /** The current step's start (ISO). */
  step: string;
}

/**
 * The data one guardrail needs at one tick, gathered from the metric source by the controller.
 * `compare` and `rate`: the counts since the current step started, plus (optional) `earlier`, the
 * counts of each earlier step of the same rollout run, oldest first; each step is one stratum.
 */
export type GuardrailInput =
  | {
      kind: 'compare';
      good: Measured<ArmCounts>;
      total: Measured<ArmCounts>;
      earlier?: CompareStratumInput[];
    }
  | { kind: 'rate'; events: Measured<ArmCounts>; per: Measured<ArmCounts>; earlier?: RateStratumInput[] }
  | { kind: 'threshold'; value: Measured<number>; events: Measured<number | undefined> }
  | { kind: 'zero'; increase: Measured<number> }
  | { kind: 'srm'; exposures: Measured<ArmCounts> }
  | { kind: 'promql'; value: Measured<number> }
  | { kind: 'users'; bad: Measured<ArmCounts>; exposed: Measured<ArmCounts>; memory?: MemoryContext };
