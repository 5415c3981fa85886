import { TaskCancelledError, TimeoutStrategy, timeout } from 'cockatiel';
import { MetricSourceError } from '../../errors/metric-source-error.js';
import { redactUrl } from '../../errors/redact-url.js';
import { ValidationError } from '../../errors/validation-error.js';
import type { LabelMatchers } from '../../rollout-spec/rollout-spec-schema.js';
import type { Clock } from '../../time/clock.js';
import type { Scheduled, Ticker } from '../../time/ticker.js';
import type {
  CountQuery,
  MetricSource,
  NoData,
  ScalarQuery,
  ScalarValue,
  VariantCounts,
} from '../metric-source.js';
import type { ScrapeTargetConfig } from '../metric-source-config.js';
import { parseExposition } from './parse-exposition.js';
import { describeScrapeError, type ScrapeTransport } from './scrape-transport.js';
import {
  describeSeries as describe,
  lastOf,
  noData,
  sumIncrease,
  sumOf,
  variantCounts,
} from './series-queries.js';
import { SeriesStore, type StoredSeries } from './series-store.js';

/** Health of one scrape target, for the status page. */
export interface TargetStatus {
  name: string;
  url: string;
  health: 'unknown' | 'up' | 'down';
  lastScrapeAt?: Date;
  lastSuccessAt?: Date;
  /** Why the last scrape failed; cleared by the next success. */
  lastError?: string;
  lastDurationMs?: number;
  series: number;
}

export interface ScrapeOptions {
  intervalMs: number;
  timeoutMs: number;
  retentionMs: number;
}

interface TargetState {
  config: ScrapeTargetConfig;
  name: string;
  health: TargetStatus['health'];
  lastScrapeAt?: number;
  lastSuccessAt?: number;
  lastError?: string;
  lastDurationMs?: number;
  busy: boolean;
}

/** Scrapes the apps' `/metrics` itself and answers guardrail queries from its own counter history. */
export class ScrapeMetricSource implements MetricSource {
  private readonly store = new SeriesStore();
  private readonly states: TargetState[];
  private scheduled: Scheduled | undefined;

  constructor(
    targets: readonly ScrapeTargetConfig[],
    private readonly transport: ScrapeTransport,
    private readonly clock: Clock,
    private readonly ticker: Ticker,
    private readonly options: ScrapeOptions,
  ) {
    this.states = targets.map((config) => ({
      config,
      name: config.name ?? new URL(config.url).host,
      health: 'unknown',
      busy: false,
    }));
    const seen = new Set<string>();
    this.states.forEach((s, i) => {
      if (seen.has(s.name)) {
        throw new ValidationError([
          {
            source: 'metricSource',
            path: `targets[${i}].name`,
            message: `duplicate target name "${s.name}"; give each target a unique name`,
          },
        ]);
      }
      seen.add(s.name);
    });
  }

  /** Scrapes every interval through the injected Ticker, starting now. */
  start(): void {
    if (this.scheduled) return;
    this.scheduled = this.ticker.every(this.options.intervalMs, () => void this.scrapeOnce());
    void this.scrapeOnce();
  }

  stop(): void {
    this.scheduled?.cancel();
    this.scheduled = undefined;
  }

  /** Scrapes every target once, concurrently; a target whose previous scrape is still running is skipped. */
  async scrapeOnce(): Promise<void> {
    await Promise.all(this.states.filter((s) => !s.busy).map((s) => this.scrape(s)));
    this.store.prune(this.clock.now().getTime() - this.options.retentionMs);
  }

  targets(): TargetStatus[] {
    return this.states.map((s) => ({
      name: s.name,
      url: s.config.url,
      health: s.health,
      ...(s.lastScrapeAt === undefined ? {} : { lastScrapeAt: new Date(s.lastScrapeAt) }),
      ...(s.lastSuccessAt === undefined ? {} : { lastSuccessAt: new Date(s.lastSuccessAt) }),
      ...(s.lastError === undefined ? {} : { lastError: s.lastError }),
      ...(s.lastDurationMs === undefined ? {} : { lastDurationMs: s.lastDurationMs }),
      series: this.store.countFor(s.name),
    }));
  }

  async counts(q: CountQuery, since: Date, until: Date): Promise<VariantCounts | NoData> {
    if (until.getTime() <= since.getTime())
      return noData('the counting range is empty (until is not after since)');
    const picked = this.pick(q.metric, q.matchers);
    if ('kind' in picked) return picked;
    return variantCounts(picked, q, since.getTime(), until.getTime());
  }

  async scalar(q: ScalarQuery, windowMs: number, at: Date): Promise<ScalarValue | NoData> {
    if (q.kind === 'promql') {
      throw new MetricSourceError(
        'unsupported_query',
        'raw PromQL guardrails need metricSource.type: prometheus; the scrape source reads counters only',
      );
    }
    const since = at.getTime() - windowMs;
    const until = at.getTime();
    if (q.kind === 'ratio') {
      const total = this.sum(q.metric, q.matchers, since, until);
      if (typeof total !== 'number') return total;
      if (total === 0) return noData(`no events of ${describe(q.metric, q.matchers)} in the window (0/0)`);
      // Good series are a subset of the total's, so their targets were checked; none at all means 0 good.
      const good = sumIncrease(this.store.select(q.metric, { ...q.matchers, ...q.good }), since, until);
      if (typeof good !== 'number') return good;
      return { kind: 'value', value: good / total, events: total };
    }
    if (q.fn === 'last') return this.last(q.metric, q.matchers, since, until);
    const sum = this.sum(q.metric, q.matchers, since, until);
    if (typeof sum !== 'number') return sum;
    return { kind: 'value', value: q.fn === 'rate' ? sum / (windowMs / 1000) : sum };
  }

  /** True when the last scrape of at least one target succeeded: rampart itself is the source. */
  async isOnline(): Promise<boolean> {
    return this.states.some((s) => s.health === 'up');
  }

  private async scrape(state: TargetState): Promise<void> {
    state.busy = true;
    const startedAt = this.clock.now().getTime();
    try {
      const text = await timeout(this.options.timeoutMs, TimeoutStrategy.Aggressive).execute((_ctx, signal) =>
        this.transport.fetch(state.config.url, signal),
      );
      const samples = parseExposition(text).map((s) => ({
        ...s,
        labels: { ...s.labels, ...state.config.labels },
      }));
      this.store.ingest(state.name, startedAt, samples, state.lastSuccessAt);
      state.health = 'up';
      state.lastSuccessAt = startedAt;
      state.lastError = undefined;
    } catch (error) {
      state.health = 'down';
      state.lastError =
        error instanceof TaskCancelledError
          ? `timed out after ${this.options.timeoutMs} ms`
          : describeScrapeError(error);
    } finally {
      state.lastScrapeAt = startedAt;
      state.lastDurationMs = this.clock.now().getTime() - startedAt;
      state.busy = false;
    }
  }

  /**
   * The series a query reads, or NoData when a target that owns (or may own) some of them is not up:
   * a down target's counters are unknown, so the answer would be silently low.
   */
  private pick(metric: string, matchers: LabelMatchers): StoredSeries[] | NoData {
    const picked = this.store.select(metric, matchers);
    for (const s of this.states) {
      const owns = picked.some((p) => p.target === s.name);
      if (s.health === 'unknown') return noData(`target ${s.name} has not been scraped yet`);
      if (s.health === 'down' && (owns || s.lastSuccessAt === undefined)) {
        return noData(
          `target ${s.name} (${redactUrl(s.config.url)}) cannot be scraped: ${s.lastError ?? 'unknown error'}`,
        );
      }
    }
    if (picked.length === 0) return noData(`no series ${describe(metric, matchers)} on any scrape target`);
    return picked;
  }

  private sum(metric: string, matchers: LabelMatchers, since: number, until: number): number | NoData {
    const picked = this.pick(metric, matchers);
    return 'kind' in picked ? picked : sumOf(picked, metric, matchers, since, until);
  }

  private last(metric: string, matchers: LabelMatchers, since: number, until: number): ScalarValue | NoData {
    const picked = this.pick(metric, matchers);
    return 'kind' in picked ? picked : lastOf(picked, metric, matchers, since, until);
  }
}
