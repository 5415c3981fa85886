import { MetricSourceError } from '../errors/metric-source-error.js';
import type {
  CountQuery,
  MetricSource,
  NoData,
  ScalarQuery,
  ScalarValue,
  VariantCounts,
} from '../metric-sources/metric-source.js';
import type { LabelMatchers } from '../rollout-spec/rollout-spec-schema.js';
import type { Clock } from '../time/clock.js';

export type Labels = Readonly<Record<string, string>>;

interface Series {
  metric: string;
  labels: Labels;
  /** Live value (what the app would expose right now). */
  value: number;
  /** Value at each scrape, index k = scrape at k * scrapeInterval after the start. */
  scraped: number[];
}

/**
 * Counters of the metrics contract as a scraper sees them: values become visible only at scrape
 * times (every `scrapeInterval` from the start), and the whole source answers NoData while
 * `outage(at)` says the metrics pipeline is down.
 */
export class SimMetricSource implements MetricSource {
  private readonly series = new Map<string, Series>();
  private readonly byMetric = new Map<string, Series[]>();
  private scrapes = 0;

  constructor(
    private readonly startMs: number,
    private readonly scrapeIntervalMs: number,
    private readonly clock: Clock,
    private readonly outage: (atMs: number) => boolean,
  ) {}

  /** Adds `by` to a counter (creating it at 0, as a service initialising its labels would). */
  inc(metric: string, labels: Labels, by = 1): void {
    this.get(metric, labels).value += by;
  }

  /** The counter itself (created at 0, so it is exposed before its first event); add to `.value`. */
  counter(metric: string, labels: Labels): { value: number } {
    return this.get(metric, labels);
  }

  /** Takes every scrape due up to simulated time `t` (ms since start); call before events at `t`. */
  scrapeUntil(t: number): void {
    while (this.scrapes * this.scrapeIntervalMs <= t) {
      for (const s of this.series.values()) s.scraped.push(s.value);
      this.scrapes += 1;
    }
  }

  /** Live total of a counter over every series matching `matchers` (for the run's own bookkeeping). */
  total(metric: string, matchers: LabelMatchers = {}): number {
    return this.matching(metric, matchers).reduce((sum, s) => sum + s.value, 0);
  }

  async counts(q: CountQuery, since: Date, until: Date): Promise<VariantCounts | NoData> {
    const down = this.down();
    if (down) return down;
    const picked = this.matching(q.metric, q.matchers);
    if (picked.length === 0) return { kind: 'no-data', reason: `no series of ${q.metric}` };
    const out: VariantCounts = { kind: 'counts', treatment: 0, control: 0, unknown: {} };
    for (const s of picked) {
      const inc = this.increase(s, since.getTime(), until.getTime());
      const variant = s.labels[q.variant.label] ?? '';
      if (variant === q.variant.treatment) out.treatment += inc;
      else if (variant === q.variant.control) out.control += inc;
      else out.unknown[variant] = (out.unknown[variant] ?? 0) + inc;
    }
    return out;
  }

  async scalar(q: ScalarQuery, windowMs: number, at: Date): Promise<ScalarValue | NoData> {
    if (q.kind === 'promql')
      throw new MetricSourceError('unsupported_query', 'the simulator has no PromQL engine');
    const down = this.down();
    if (down) return down;
    const since = at.getTime() - windowMs;
    const sum = (matchers: LabelMatchers) =>
      this.matching(q.metric, matchers).reduce((n, s) => n + this.increase(s, since, at.getTime()), 0);
    if (q.kind === 'ratio') {
      const total = sum(q.matchers);
      if (total === 0) return { kind: 'no-data', reason: `no events of ${q.metric} in the window (0/0)` };
      return { kind: 'value', value: sum({ ...q.matchers, ...q.good }) / total, events: total };
    }
    const increase = sum(q.matchers);
    if (q.fn === 'rate') return { kind: 'value', value: increase / (windowMs / 1000) };
    if (q.fn === 'last')
      return {
        kind: 'value',
        value: this.matching(q.metric, q.matchers).reduce((n, s) => n + this.visible(s, at.getTime()), 0),
      };
    return { kind: 'value', value: increase };
  }

  async isOnline(): Promise<boolean> {
    return !this.down();
  }

  private down(): NoData | undefined {
    return this.outage(this.clock.now().getTime() - this.startMs)
      ? { kind: 'no-data', reason: 'metrics outage: the metric source returns no data' }
      : undefined;
  }

  /** The counter as the last scrape at or before `atMs` saw it (0 before the first scrape). */
  private visible(s: Series, atMs: number): number {
    const k = Math.floor((atMs - this.startMs) / this.scrapeIntervalMs);
    if (k < 0) return 0;
    return s.scraped[Math.min(k, s.scraped.length - 1)] ?? 0;
  }

  private increase(s: Series, sinceMs: number, untilMs: number): number {
    return this.visible(s, untilMs) - this.visible(s, sinceMs);
  }

  private matching(metric: string, matchers: LabelMatchers): Series[] {
    const all = this.byMetric.get(metric) ?? [];
    const entries = Object.entries(matchers);
    if (entries.length === 0) return all;
    return all.filter((s) => entries.every(([k, v]) => (s.labels[k] ?? '') === v));
  }

  private get(metric: string, labels: Labels): Series {
    const key = `${metric}${JSON.stringify(labels)}`;
    let s = this.series.get(key);
    if (!s) {
      // A series born after some scrapes was 0 at each of them.
      s = { metric, labels, value: 0, scraped: new Array<number>(this.scrapes).fill(0) };
      this.series.set(key, s);
      const list = this.byMetric.get(metric) ?? [];
      list.push(s);
      this.byMetric.set(metric, list);
    }
    return s;
  }
}
