import type { MetricSource, NoData, VariantCounts } from '../../metric-sources/metric-source.js';
import type { Guardrail, LabelMatchers, RolloutSpec } from '../../rollout-spec/rollout-spec-schema.js';

/** One fixed-threshold check, as a Flagger MetricTemplate or Argo AnalysisTemplate would run it. */
export interface CheckResult {
  /** nan: the query answered 0/0, neither condition holds; no-data: it failed or found no series. */
  status: 'pass' | 'fail' | 'nan' | 'no-data';
  reason: string;
}

type Counts = VariantCounts | NoData;

/**
 * Which of the rollout's guardrails a peer checks.
 * - `limits` (docs/scenarios.md: "using the rollout's threshold guardrails"): the fixed-limit guardrails,
 *   what a Flagger thresholdRange or an Argo successCondition expresses: `threshold`, and `zero` (a
 *   threshold with max 0; counting it is generous to the peers, the literal reading has `threshold` only).
 * - `all`: also `compare` and `rate`, each turned into a per-interval check a user could write as a
 *   custom metric template (treatment against control, no sequential test): what a naive translation
 *   of rampart's comparisons does at low traffic.
 */
export const PEER_CHECK_SETS = ['limits', 'all'] as const;
export type PeerCheckSet = (typeof PEER_CHECK_SETS)[number];

/**
 * The rollout's guardrails translated into the fixed-threshold checks a peer tool is configured
 * with, each over the last `intervalMs` (PromQL `[{{ interval }}]`):
 * - threshold: the ratio or scalar over its own window within [min, max] (no minEvents);
 * - zero: increase over the interval, all variants, <= 0;
 * - compare (set `all` only): treatment success ratio >= control success ratio - maxDrop;
 * - rate (set `all` only): treatment events/per <= maxRatio x control events/per;
 * - srm and promql: not translated (the peers have no sample-ratio test; the simulator no PromQL).
 */
export async function runPeerChecks(
  source: MetricSource,
  spec: RolloutSpec,
  intervalMs: number,
  now: Date,
  set: PeerCheckSet,
): Promise<CheckResult[]> {
  const since = new Date(now.getTime() - intervalMs);
  const counts = (metric: string, ...m: LabelMatchers[]): Promise<Counts> =>
    source.counts(
      { metric, matchers: Object.assign({}, spec.matchers, ...m), variant: spec.variant },
      since,
      now,
    );
  const out: CheckResult[] = [];
  for (const g of spec.guardrails) {
    if (set === 'limits' && (g.kind === 'compare' || g.kind === 'rate')) continue;
    try {
      const r = await check(g, counts, source, spec, now);
      if (r) out.push(r);
    } catch (error) {
      out.push({ status: 'no-data', reason: `${g.name}: ${String(error)}` });
    }
  }
  return out;
}

async function check(
  g: Guardrail,
  counts: (metric: string, ...m: LabelMatchers[]) => Promise<Counts>,
  source: MetricSource,
  spec: RolloutSpec,
  now: Date,
): Promise<CheckResult | undefined> {
  const noData = (c: Counts) =>
    c.kind === 'no-data' && { status: 'no-data' as const, reason: `${g.name}: ${c.reason}` };
  switch (g.kind) {
    case 'compare': {
      const good = await counts(g.compare.metric, g.compare.matchers, g.compare.good);
      const total = await counts(g.compare.metric, g.compare.matchers);
      if (good.kind === 'no-data') return noData(good) || undefined;
      if (total.kind === 'no-data') return noData(total) || undefined;
      const t = good.treatment / total.treatment;
      const c = good.control / total.control;
      if (Number.isNaN(t) || Number.isNaN(c))
        return { status: 'nan', reason: `${g.name}: 0/0 in the interval` };
      const ok = t >= c - g.compare.maxDrop;
      return {
        status: ok ? 'pass' : 'fail',
        reason: `${g.name}: treatment ${t.toFixed(3)} vs control ${c.toFixed(3)} - ${g.compare.maxDrop}`,
      };
    }
    case 'rate': {
      const ev = await counts(g.rate.events, g.rate.matchers);
      const per = await counts(g.rate.per, g.rate.matchers);
      if (ev.kind === 'no-data') return noData(ev) || undefined;
      if (per.kind === 'no-data') return noData(per) || undefined;
      const t = ev.treatment / per.treatment;
      const c = ev.control / per.control;
      if (Number.isNaN(t) || Number.isNaN(c))
        return { status: 'nan', reason: `${g.name}: 0/0 in the interval` };
      const ok = t <= g.rate.maxRatio * c;
      return {
        status: ok ? 'pass' : 'fail',
        reason: `${g.name}: treatment ${t.toFixed(3)} vs ${g.rate.maxRatio} x control ${c.toFixed(3)}`,
      };
    }
    case 'threshold': {
      const { ratio, scalar, window, min, max } = g.threshold;
      const query = ratio
        ? {
            kind: 'ratio' as const,
            metric: ratio.metric,
            good: ratio.good,
            matchers: { ...spec.matchers, ...ratio.matchers },
          }
        : scalar
          ? {
              kind: 'scalar' as const,
              metric: scalar.metric,
              fn: scalar.fn,
              matchers: { ...spec.matchers, ...scalar.matchers },
            }
          : undefined;
      if (!query) return undefined;
      const v = await source.scalar(query, window, now);
      if (v.kind === 'no-data')
        return {
          status: ratio && /0\/0/.test(v.reason) ? 'nan' : 'no-data',
          reason: `${g.name}: ${v.reason}`,
        };
      const ok = (min === undefined || v.value >= min) && (max === undefined || v.value <= max);
      return {
        status: ok ? 'pass' : 'fail',
        reason: `${g.name}: ${v.value.toFixed(3)} in [${min ?? '-inf'}, ${max ?? 'inf'}]`,
      };
    }
    case 'zero': {
      const inc = await counts(g.zero.metric, g.zero.matchers);
      if (inc.kind === 'no-data') return noData(inc) || undefined;
      const n = inc.treatment + inc.control + Object.values(inc.unknown).reduce((a, b) => a + b, 0);
      return { status: n <= 0 ? 'pass' : 'fail', reason: `${g.name}: increase ${n} (max 0)` };
    }
    case 'srm':
    case 'promql':
      return undefined;
    default:
      return g satisfies never;
  }
}
