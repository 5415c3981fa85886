import type { LabelMatchers } from '../../rollout-spec/rollout-spec-schema.js';
import { pruneSamples, type Sample } from './counter-history.js';
import type { FlatSample } from './parse-exposition.js';

/** One time series as scraped from one target. */
export interface StoredSeries {
  target: string;
  name: string;
  labels: Record<string, string>;
  samples: Sample[];
}

function seriesKey(target: string, labels: Record<string, string>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `${JSON.stringify(target)}{${sorted.join(',')}}`;
}

function sameValue(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/** Label equality as in PromQL: a matcher for `""` also matches a series without that label. */
export function matches(labels: Record<string, string>, matchers: LabelMatchers): boolean {
  for (const [name, value] of Object.entries(matchers)) {
    if ((labels[name] ?? '') !== value) return false;
  }
  return true;
}

/**
 * Per-series sample history of every target, indexed by metric name. Runs of equal values are stored
 * as their first and last sample only; increases are unchanged by that, and `valueAt` accounts for it.
 */
export class SeriesStore {
  private readonly byName = new Map<string, Map<string, StoredSeries>>();

  /**
   * Appends one scrape. `previousScrapeAt` is the target's last successful scrape: a series that first
   * appears after it was born in between, so it gets a 0 sample there and its first value counts in full.
   */
  ingest(
    target: string,
    t: number,
    samples: readonly FlatSample[],
    previousScrapeAt: number | undefined,
  ): void {
    for (const s of samples) {
      let family = this.byName.get(s.name);
      if (!family) {
        family = new Map();
        this.byName.set(s.name, family);
      }
      const key = seriesKey(target, s.labels);
      let series = family.get(key);
      if (!series) {
        series = { target, name: s.name, labels: s.labels, samples: [] };
        if (previousScrapeAt !== undefined && previousScrapeAt < t)
          series.samples.push({ t: previousScrapeAt, v: 0 });
        family.set(key, series);
      }
      const samples = series.samples;
      const last = samples.at(-1);
      if (last && last.t >= t) continue; // clock went backwards or a duplicate scrape: keep history sorted
      const beforeLast = samples.at(-2);
      if (last && beforeLast && sameValue(last.v, s.value) && sameValue(beforeLast.v, s.value)) {
        // A flat run keeps only its first and last sample: idle counters cost two samples, not one per scrape.
        last.t = t;
      } else {
        samples.push({ t, v: s.value });
      }
    }
  }

  /** Series of `name` whose labels match every matcher. */
  select(name: string, matchers: LabelMatchers): StoredSeries[] {
    const family = this.byName.get(name);
    if (!family) return [];
    return [...family.values()].filter((s) => matches(s.labels, matchers));
  }

  /**
   * The value a series had at `until`, if it was scraped in (since, until]: the newest sample up to
   * `until`, or, when a flat run's middle was dropped, the run's value if the run reaches into the range.
   */
  static valueAt(series: StoredSeries, since: number, until: number): number | undefined {
    const samples = series.samples;
    let i = samples.length - 1;
    while (i >= 0 && (samples[i] as Sample).t > until) i--;
    const at = samples[i];
    if (!at) return undefined;
    if (at.t > since) return at.v;
    const next = samples[i + 1];
    return next && sameValue(next.v, at.v) ? at.v : undefined;
  }

  /** Number of series currently held for `target`. */
  countFor(target: string): number {
    let n = 0;
    for (const family of this.byName.values()) for (const s of family.values()) if (s.target === target) n++;
    return n;
  }

  /** Forgets samples before `cutoff` (keeping one base sample) and series with nothing newer. */
  prune(cutoff: number): void {
    for (const [name, family] of this.byName) {
      for (const [key, series] of family) {
        const last = series.samples.at(-1);
        if (!last || last.t < cutoff) family.delete(key);
        else pruneSamples(series.samples, cutoff);
      }
      if (family.size === 0) this.byName.delete(name);
    }
  }
}
