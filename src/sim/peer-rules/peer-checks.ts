import { countQuery } from '../../guardrails/guardrail-query.js';
import type { CheckResult, PeerCheckSet, PeerContext } from '../../guardrails/peer-check.js';
import { guardrailKind } from '../../guardrails/registry.js';
import type { MetricSource } from '../../metric-sources/metric-source.js';
import type { LabelMatchers, RolloutSpec } from '../../rollout-spec/rollout-spec-schema.js';

/**
 * The rollout's guardrails translated into the fixed-threshold checks a peer tool is configured
 * with, each over the last `intervalMs` (PromQL `[{{ interval }}]`): each kind's GuardrailKind.peer
 * (threshold, zero; compare and rate in set `all` only). srm and promql are not translated (the
 * peers have no sample-ratio test; the simulator no PromQL).
 */
export async function runPeerChecks(
  source: MetricSource,
  spec: RolloutSpec,
  intervalMs: number,
  now: Date,
  set: PeerCheckSet,
): Promise<CheckResult[]> {
  const since = new Date(now.getTime() - intervalMs);
  const ctx: PeerContext = {
    counts: (metric: string, ...m: LabelMatchers[]) =>
      source.counts(countQuery(spec, metric, ...m), since, now),
    source,
    scope: spec,
    now,
  };
  const out: CheckResult[] = [];
  for (const g of spec.guardrails) {
    const peer = guardrailKind(g.kind).peer;
    if (set === 'limits' && peer?.set === 'all') continue;
    try {
      const r = await peer?.check(g, ctx);
      if (r) out.push(r);
    } catch (error) {
      out.push({ status: 'no-data', reason: `${g.name}: ${String(error)}` });
    }
  }
  return out;
}
