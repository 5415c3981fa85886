import type { LabelMatchers } from '../../rollout-spec/rollout-spec-schema.js';
import type { CountQuery, NoData, ScalarValue, VariantCounts } from '../metric-source.js';
import { counterIncrease } from './counter-history.js';
import { SeriesStore, type StoredSeries } from './series-store.js';

// Answers to guardrail queries over series the scrape source already picked (and whose targets it
// checked): pure functions of the stored samples.

export const noData = (reason: string): NoData => ({ kind: 'no-data', reason });

/** Treatment, control and unknown-variant increases of `picked` over [since, until]. */
export function variantCounts(
  picked: readonly StoredSeries[],
  q: CountQuery,
  since: number,
  until: number,
): VariantCounts | NoData {
  const out: VariantCounts = { kind: 'counts', treatment: 0, control: 0, unknown: {} };
  let sampled = false;
  for (const s of picked) {
    const inc = counterIncrease(s.samples, since, until);
    if (inc === undefined) continue;
    if (Number.isNaN(inc)) return invalid(s);
    sampled = true;
    const variant = s.labels[q.variant.label] ?? '';
    if (variant === q.variant.treatment) out.treatment += inc;
    else if (variant === q.variant.control) out.control += inc;
    else out.unknown[variant] = (out.unknown[variant] ?? 0) + inc;
  }
  return sampled ? out : noData(`no samples of ${describeSeries(q.metric, q.matchers)} in the range`);
}

/** The summed increase of `picked`, or NoData when none of them has samples in the window. */
export function sumOf(
  picked: readonly StoredSeries[],
  metric: string,
  matchers: LabelMatchers,
  since: number,
  until: number,
): number | NoData {
  if (!picked.some((s) => counterIncrease(s.samples, since, until) !== undefined)) {
    return noData(`no samples of ${describeSeries(metric, matchers)} in the window`);
  }
  return sumIncrease(picked, since, until);
}

/** The sum of the last values of `picked` in the window (a gauge read). */
export function lastOf(
  picked: readonly StoredSeries[],
  metric: string,
  matchers: LabelMatchers,
  since: number,
  until: number,
): ScalarValue | NoData {
  let total = 0;
  let sampled = false;
  for (const s of picked) {
    const value = SeriesStore.valueAt(s, since, until);
    if (value === undefined) continue;
    if (!Number.isFinite(value)) return noData(`${describeSeries(s.name, s.labels)} is ${value}`);
    total += value;
    sampled = true;
  }
  return sampled
    ? { kind: 'value', value: total }
    : noData(`no samples of ${describeSeries(metric, matchers)} in the window`);
}

/** Sum of the increases of `series`; series without samples in the range add nothing. */
export function sumIncrease(series: readonly StoredSeries[], since: number, until: number): number | NoData {
  let total = 0;
  for (const s of series) {
    const inc = counterIncrease(s.samples, since, until);
    if (inc === undefined) continue;
    if (Number.isNaN(inc)) return invalid(s);
    total += inc;
  }
  return total;
}

function invalid(s: StoredSeries): NoData {
  return noData(
    `${describeSeries(s.name, s.labels)} from ${s.target} has a NaN, infinite or negative counter sample in the range`,
  );
}

export function describeSeries(metric: string, labels: LabelMatchers): string {
  const inner = Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
  return inner ? `${metric}{${inner}}` : metric;
}
