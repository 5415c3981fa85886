import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMetricSource,
  type ManagedMetricSource,
} from '../../../src/metric-sources/create-metric-source.js';
import type { CountQuery, VariantCounts } from '../../../src/metric-sources/metric-source.js';
import { metricSourceConfigSchema } from '../../../src/metric-sources/metric-source-config.js';
import { systemClock } from '../../../src/time/clock.js';
import { createSystemTicker } from '../../../src/time/system-ticker.js';
import { waitFor } from '../../support/free-port.js';
import { type PrometheusServer, startPrometheus } from '../../support/prometheus.js';
import { TestMetricsApp } from '../../support/test-metrics-app.js';

const variant = { label: 'variant', treatment: 'treatment', control: 'control' };
const all: CountQuery = { metric: 'login_attempts_total', matchers: { job: 'app' }, variant };
const success: CountQuery = { ...all, matchers: { job: 'app', result: 'success' } };

let app: TestMetricsApp;
let prom: PrometheusServer | undefined;
let prometheus: ManagedMetricSource;
let scrape: ManagedMetricSource;

/** One instant query straight to Prometheus (test bookkeeping, not the code under test). */
async function instant(query: string): Promise<number | undefined> {
  const res = await fetch(`${prom?.url}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
  const v = body.data.result[0]?.value[1];
  return v === undefined ? undefined : Number(v);
}

/**
 * Waits until both sources have scraped the app after `after` (ms), so they saw the same counter
 * values, and returns Prometheus's scrape time, which is after the scrape source's first one.
 * The scrape source's time is taken once: both scrape every second, and when Prometheus's phase is a
 * few ms ahead, "Prometheus scraped after the scrape source's latest" holds only a few ms a second.
 */
async function bothScrapedAfter(after: number): Promise<number> {
  let promAt = 0;
  let scrapedAt = 0;
  await waitFor(
    'both sources scraping the app',
    async () => {
      if (scrapedAt <= after) scrapedAt = scrape.targets()[0]?.lastSuccessAt?.getTime() ?? 0;
      if (scrapedAt <= after) return false;
      promAt = ((await instant('timestamp(up{job="app"})')) ?? 0) * 1000;
      return promAt > scrapedAt;
    },
    15_000,
    100,
  );
  return promAt;
}

function withinTwoPercent(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(0.02 * expected);
}

beforeAll(async () => {
  app = new TestMetricsApp();
  await app.start();
  prom = await startPrometheus({
    jobs: [{ job: 'app', targets: [`127.0.0.1:${app.port}`] }],
    scrapeInterval: '1s',
  });
  prometheus = createMetricSource(metricSourceConfigSchema.parse({ type: 'prometheus', url: prom.url }), {
    clock: systemClock,
    ticker: createSystemTicker(),
  });
  const scrapeConfig = metricSourceConfigSchema.parse({
    type: 'scrape',
    interval: '1s',
    // The same `job` label Prometheus attaches, so one query serves both sources.
    targets: [{ name: 'app', url: app.url, labels: { job: 'app' } }],
  });
  scrape = createMetricSource(scrapeConfig, { clock: systemClock, ticker: createSystemTicker() });
  scrape.start();
});

afterAll(async () => {
  scrape?.stop();
  await prom?.stop();
  await app?.stop();
});

describe('Prometheus and scrape sources on the same app', () => {
  it('agree on per-variant counts within 2 %, across an app restart that resets counters', async () => {
    // Series exist at 0 before `since`: Prometheus then has a 0 sample at the start of the range.
    const since = await bothScrapedAfter(Date.now());

    app.login('treatment', 'success', 300);
    app.login('treatment', 'failure', 20);
    app.login('control', 'success', 900);
    app.login('control', 'failure', 40);
    // Both must see the final values before the restart, or the events since their last scrape are lost.
    await bothScrapedAfter(Date.now());

    await app.restart();
    await bothScrapedAfter(Date.now()); // both see the counters at 0: the reset is unambiguous
    app.login('treatment', 'success', 500);
    app.login('treatment', 'failure', 10);
    app.login('control', 'success', 1200);
    app.login('control', 'failure', 5);
    // increase() extrapolates to the range end; evaluating at Prometheus's last scrape makes that a no-op.
    const until = await bothScrapedAfter(Date.now());

    const expected = { all: { treatment: 830, control: 2145 }, success: { treatment: 800, control: 2100 } };
    // Issued together, so the Prometheus source sends them as one batched request.
    const batched = await Promise.all(
      [all, success].map((q) => prometheus.counts(q, new Date(since), new Date(until))),
    );
    for (const [name, q, fromProm] of [
      ['all', all, batched[0] as VariantCounts],
      ['success', success, batched[1] as VariantCounts],
    ] as const) {
      const fromScrape = (await scrape.counts(q, new Date(since), new Date(until))) as VariantCounts;
      expect(fromProm.kind, JSON.stringify(fromProm)).toBe('counts');
      expect(fromScrape.kind, JSON.stringify(fromScrape)).toBe('counts');
      for (const arm of ['treatment', 'control'] as const) {
        withinTwoPercent(fromProm[arm], fromScrape[arm]);
        withinTwoPercent(fromProm[arm], expected[name][arm]);
        withinTwoPercent(fromScrape[arm], expected[name][arm]);
      }
      expect(fromProm.unknown).toEqual({});
      expect(fromScrape.unknown).toEqual({});
    }

    const ratio = {
      kind: 'ratio' as const,
      metric: 'login_attempts_total',
      good: { result: 'success' },
      matchers: {},
    };
    const window = until - since;
    const promRatio = await prometheus.scalar(ratio, window, new Date(until));
    const scrapeRatio = await scrape.scalar(ratio, window, new Date(until));
    expect(promRatio.kind === 'value' && scrapeRatio.kind === 'value').toBe(true);
    if (promRatio.kind === 'value' && scrapeRatio.kind === 'value') {
      withinTwoPercent(promRatio.value, 2900 / 2975);
      withinTwoPercent(scrapeRatio.value, 2900 / 2975);
      withinTwoPercent(promRatio.events ?? 0, scrapeRatio.events ?? 0);
    }
  });

  it('answers NoData for a metric that does not exist', async () => {
    const missing = { ...all, metric: 'no_such_metric_total' };
    const now = new Date();
    const r = await prometheus.counts(missing, new Date(now.getTime() - 60_000), now);
    expect(r.kind).toBe('no-data');
    expect(r.kind === 'no-data' && r.reason).toContain('no_such_metric_total');
    expect((await scrape.counts(missing, new Date(now.getTime() - 60_000), now)).kind).toBe('no-data');
    expect(await prometheus.isOnline()).toBe(true);
    expect(await scrape.isOnline()).toBe(true);
  });

  it('reports a scrape target that went away, with its error, as NoData', async () => {
    await app.stop();
    const stoppedAt = Date.now();
    // A scrape in flight when the app stops may end in ECONNRESET; once it is gone, every scrape is refused.
    await waitFor(
      'the scrape source to notice',
      async () => scrape.targets()[0]?.health === 'down' && scrape.targets()[0]?.lastError === 'ECONNREFUSED',
      10_000,
      100,
    );
    const r = await scrape.counts(all, new Date(stoppedAt - 60_000), new Date());
    expect(r.kind === 'no-data' && r.reason).toMatch(/app .*cannot be scraped: ECONNREFUSED/);
    expect(scrape.targets()[0]?.lastError).toBe('ECONNREFUSED');
  });
});
