import type { MetricSource, NoData, VariantCounts } from '../metric-sources/metric-source.js';
import type { Guardrail, LabelMatchers } from '../rollout-spec/rollout-spec-schema.js';
import type { RolloutScope } from './guardrail-query.js';

/** One fixed-threshold check, as a Flagger MetricTemplate or Argo AnalysisTemplate would run it. */
export interface CheckResult {
  /** nan: the query answered 0/0, neither condition holds; no-data: it failed or found no series. */
  status: 'pass' | 'fail' | 'nan' | 'no-data';
  reason: string;
}

/**
 * Which of the rollout's guardrails a peer checks.
 * - `limits` (the peers configured with the rollout's threshold guardrails): the fixed-limit
 *   guardrails, what a Flagger thresholdRange or an Argo successCondition expresses: `threshold`, and
 *   `zero` (a threshold with max 0; counting it is generous to the peers, the literal reading has
 *   `threshold` only).
 * - `all`: also `compare` and `rate`, each turned into a per-interval check a user could write as a
 *   custom metric template (treatment against control, no sequential test): what a naive translation
 *   of rampart's comparisons does at low traffic.
 */
export const PEER_CHECK_SETS = ['limits', 'all'] as const;
export type PeerCheckSet = (typeof PEER_CHECK_SETS)[number];

/** What a peer's check of one guardrail can ask, over the peer's last interval ending `now`. */
export interface PeerContext {
  /** Per-arm increase of `metric` over the interval; the rollout's matchers, overridden by `more`. */
  counts(metric: string, ...more: LabelMatchers[]): Promise<VariantCounts | NoData>;
  /** The source itself, for a scalar over the guardrail's own window. */
  source: MetricSource;
  scope: RolloutScope;
  now: Date;
}

/** The check result of a query that found nothing. */
export function peerNoData(g: Guardrail, c: NoData): CheckResult {
  return { status: 'no-data', reason: `${g.name}: ${c.reason}` };
}
