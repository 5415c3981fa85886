import type { LabelMatchers, RolloutSpec, VariantLabels } from '../rollout-spec/rollout-spec-schema.js';
import type { GuardrailQuery } from './guardrail-query.js';
import { guardrailQueries } from './registry.js';

/** A selection of series that a spec's guardrails query, and what must be true of it. */
export interface RequiredSeries {
  metric: string;
  /** Every label value the selection needs: the spec's matchers, the guardrail's, a `good` filter. */
  matchers: LabelMatchers;
  /** The spec's own matchers (which service): the series whose labels are judged. */
  scope: LabelMatchers;
  /** Set for per-arm counts: the label and both of its values must exist (zero-initialised). */
  variant?: VariantLabels;
  /**
   * Whether it must increase while the service has traffic. Not for a `zero` counter (its increase
   * is the failure) nor a gauge read with `last`.
   */
  mustMove: boolean;
  /** The guardrails that need it. */
  guardrails: string[];
}

/** A raw PromQL guardrail: only a Prometheus can say whether it returns a value. */
export interface RequiredQuery {
  guardrail: string;
  query: string;
  windowMs: number;
}

function fromQuery(q: GuardrailQuery): Omit<RequiredSeries, 'guardrails' | 'scope'>[] {
  if (q.type === 'counts') {
    const { metric, matchers, variant } = q.query;
    return [{ metric, matchers, variant, mustMove: q.role !== 'increase' }];
  }
  const s = q.query;
  if (s.kind === 'ratio') {
    return [
      { metric: s.metric, matchers: { ...s.matchers, ...s.good }, mustMove: true },
      { metric: s.metric, matchers: s.matchers, mustMove: true },
    ];
  }
  if (s.kind === 'scalar') return [{ metric: s.metric, matchers: s.matchers, mustMove: s.fn !== 'last' }];
  return [];
}

function key(r: Omit<RequiredSeries, 'guardrails' | 'scope'>): string {
  const matchers = Object.keys(r.matchers)
    .sort()
    .map((k) => `${k}=${JSON.stringify(r.matchers[k])}`);
  // A global selection and a per-arm one of the same series are one requirement (the stricter).
  return JSON.stringify([r.metric, matchers]);
}

/**
 * What a service must expose for `spec`: the series each guardrail's queries select (through the
 * guardrail registry, so every kind is covered as it queries), merged when several guardrails
 * select the same, and the raw PromQL queries.
 */
export function requiredSeries(spec: RolloutSpec): { series: RequiredSeries[]; queries: RequiredQuery[] } {
  const byKey = new Map<string, RequiredSeries>();
  const queries: RequiredQuery[] = [];
  for (const g of spec.guardrails) {
    for (const q of guardrailQueries(spec, g)) {
      if (q.type === 'scalar' && q.query.kind === 'promql') {
        queries.push({ guardrail: g.name, query: q.query.query, windowMs: q.windowMs });
        continue;
      }
      for (const r of fromQuery(q)) {
        const k = key(r);
        const seen = byKey.get(k);
        if (!seen) {
          byKey.set(k, { ...r, scope: spec.matchers, guardrails: [g.name] });
          continue;
        }
        seen.mustMove ||= r.mustMove;
        seen.variant ??= r.variant;
        if (!seen.guardrails.includes(g.name)) seen.guardrails.push(g.name);
      }
    }
  }
  return { series: [...byKey.values()], queries };
}

/** Labels Prometheus adds to each scraped series; a service's own /metrics does not carry them. */
export const TARGET_LABELS: readonly string[] = ['job', 'instance'];

/**
 * The requirements as a service's /metrics can show them: matchers on the labels Prometheus adds
 * (`job`, `instance`) dropped, since only a Prometheus can check those.
 */
export function withoutTargetLabels(series: readonly RequiredSeries[]): RequiredSeries[] {
  const strip = (m: LabelMatchers) =>
    Object.fromEntries(Object.entries(m).filter(([k]) => !TARGET_LABELS.includes(k)));
  return series.map((r) => ({ ...r, matchers: strip(r.matchers), scope: strip(r.scope) }));
}
