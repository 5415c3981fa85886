import type { LabelMatchers, VariantLabels } from '../rollout-spec/rollout-spec-schema.js';

/** No samples: the series does not exist, the target is down, or the value is NaN. The caller holds. */
export interface NoData {
  kind: 'no-data';
  reason: string;
}

/** Counter increase per variant over a time range. */
export interface VariantCounts {
  kind: 'counts';
  treatment: number;
  control: number;
  /** Variant label values the spec does not know (reported, not dropped); missing label counts as ''. */
  unknown: Record<string, number>;
}

/** A counter selected by name and label equality matchers, split by the rollout's variant label. */
export interface CountQuery {
  metric: string;
  matchers: LabelMatchers;
  variant: VariantLabels;
}

/** A scalar over a window, across every user (all variants together). */
export type ScalarQuery =
  | { kind: 'ratio'; metric: string; good: LabelMatchers; matchers: LabelMatchers }
  | { kind: 'scalar'; metric: string; matchers: LabelMatchers; fn: 'increase' | 'rate' | 'last' }
  | { kind: 'promql'; query: string; rollout: string };

export interface ScalarValue {
  kind: 'value';
  value: number;
  /** Events behind a ratio (its denominator), for minimum-count checks. */
  events?: number;
}

/** Where guardrail data comes from. Failures to reach the source are thrown as typed errors. */
export interface MetricSource {
  /** Increase of a counter per variant between `since` and `until`. */
  counts(q: CountQuery, since: Date, until: Date): Promise<VariantCounts | NoData>;
  /** A ratio or scalar over the `windowMs` ending at `at`. */
  scalar(q: ScalarQuery, windowMs: number, at: Date): Promise<ScalarValue | NoData>;
  /** Cheap reachability check for /readyz. Never throws. */
  isOnline(): Promise<boolean>;
}
