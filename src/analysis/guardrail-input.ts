/** A measurement as the analysis sees it: a value, no data (hold), or an error (hold, reported). */
export type Measured<T> =
  | { status: 'ok'; value: T }
  | { status: 'no-data'; reason: string }
  | { status: 'error'; reason: string };

/** Event counts per arm since the step started. */
export interface ArmCounts {
  treatment: number;
  control: number;
}

/** The data one guardrail needs at one tick, gathered from the metric source by the controller. */
export type GuardrailInput =
  | { kind: 'compare'; good: Measured<ArmCounts>; total: Measured<ArmCounts> }
  | { kind: 'rate'; events: Measured<ArmCounts>; per: Measured<ArmCounts> }
  | { kind: 'threshold'; value: Measured<number>; events: Measured<number | undefined> }
  | { kind: 'zero'; increase: Measured<number> }
  | { kind: 'srm'; exposures: Measured<ArmCounts> }
  | { kind: 'promql'; value: Measured<number> };
