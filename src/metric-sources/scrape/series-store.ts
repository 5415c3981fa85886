import type { LabelMatchers } from '../../spec/rollout-spec-schema.js';
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

/** Label equality as in PromQL: a matcher for `""` also matches a series without that label. */
export function matches(labels: Record<string, string>, matchers: LabelMatchers): boolean {
  for (const [name, value] of Object.entries(matchers)) {
    if ((labels[name] ?? '') !== value) return false;
  }
  return true;
}

/** Per-series sample history of every target, indexed by metric name. */
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
      const last = series.samples.at(-1);
      if (last && last.t >= t) continue; // clock went backwards or a duplicate scrape: keep history sorted
      series.samples.push({ t, v: s.value });
    }
  }

  /** Series of `name` whose labels match every matcher. */
  select(name: string, matchers: LabelMatchers): StoredSeries[] {
    const family = this.byName.get(name);
    if (!family) return [];
    return [...family.values()].filter((s) => matches(s.labels, matchers));
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
