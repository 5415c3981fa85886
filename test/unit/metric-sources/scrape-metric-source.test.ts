import { Counter, Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors/validation-error.js';
import type { CountQuery } from '../../../src/metric-sources/metric-source.js';
import { ScrapeMetricSource } from '../../../src/metric-sources/scrape/scrape-metric-source.js';
import type { ScrapeTransport } from '../../../src/metric-sources/scrape/scrape-transport.js';
import { ManualClock } from '../../../src/time/manual-clock.js';
import { ManualTicker } from '../../../src/time/manual-ticker.js';

/** An app's metrics: a prom-client registry that can "restart" (fresh registry, counters at 0). */
class FakeApp {
  registry = new Registry();
  logins = this.counter();
  down: string | undefined;
  hang = false;

  restart(): void {
    this.registry = new Registry();
    this.logins = this.counter();
  }

  private counter(): Counter<'variant' | 'result'> {
    return new Counter({
      name: 'login_attempts_total',
      help: 'logins',
      labelNames: ['variant', 'result'],
      registers: [this.registry],
    });
  }
}

/** Serves each FakeApp's registry for its URL; no sockets. */
function transportFor(apps: Record<string, FakeApp>): ScrapeTransport {
  return {
    fetch: async (url, signal) => {
      const app = apps[url];
      if (!app) throw new Error(`no app at ${url}`);
      if (app.down) throw new Error(app.down);
      if (app.hang) {
        await new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(new Error('aborted'))),
        );
      }
      return app.registry.metrics();
    },
  };
}

const variant = { label: 'variant', treatment: 'treatment', control: 'control' };
const logins: CountQuery = { metric: 'login_attempts_total', matchers: {}, variant };
const A = 'http://127.0.0.1:1/metrics';
const B = 'http://127.0.0.1:2/metrics';

function setup(apps: Record<string, FakeApp>, retentionMs = 7_200_000) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 10));
  const ticker = new ManualTicker(clock);
  const targets = Object.keys(apps).map((url, i) => ({ name: `app-${i}`, url, labels: { app: 'login' } }));
  const src = new ScrapeMetricSource(targets, transportFor(apps), clock, ticker, {
    intervalMs: 5_000,
    timeoutMs: 20,
    retentionMs,
  });
  const scrapeAfter = async (ms: number) => {
    clock.advance(ms);
    await src.scrapeOnce();
  };
  return { clock, ticker, src, scrapeAfter };
}

describe('ScrapeMetricSource counts', () => {
  it('counts per variant since a time, across an app restart that resets counters', async () => {
    const app = new FakeApp();
    const { clock, src, scrapeAfter } = setup({ [A]: app });
    app.logins.inc({ variant: 'treatment', result: 'success' }, 100);
    app.logins.inc({ variant: 'control', result: 'success' }, 1000);
    await src.scrapeOnce();
    const since = clock.now();
    app.logins.inc({ variant: 'treatment', result: 'success' }, 5);
    app.logins.inc({ variant: 'control', result: 'success' }, 50);
    await scrapeAfter(5_000);
    app.restart();
    app.logins.inc({ variant: 'treatment', result: 'success' }, 3);
    app.logins.inc({ variant: 'control', result: 'success' }, 30);
    app.logins.inc({ variant: 'beta', result: 'success' }, 2);
    await scrapeAfter(5_000);
    expect(await src.counts(logins, since, clock.now())).toEqual({
      kind: 'counts',
      treatment: 8,
      control: 80,
      unknown: { beta: 2 },
    });
  });

  it('counts a series born between two scrapes in full, and filters by matchers and target labels', async () => {
    const app = new FakeApp();
    const { clock, src, scrapeAfter } = setup({ [A]: app });
    app.logins.inc({ variant: 'control', result: 'success' }, 10);
    await src.scrapeOnce();
    const since = clock.now();
    app.logins.inc({ variant: 'treatment', result: 'failure' }, 4); // new series
    app.logins.inc({ variant: 'treatment', result: 'success' }, 6); // new series
    await scrapeAfter(5_000);
    const failures = { ...logins, matchers: { result: 'failure', app: 'login' } };
    expect(await src.counts(failures, since, clock.now())).toMatchObject({ treatment: 4, control: 0 });
    expect(await src.counts(logins, since, clock.now())).toMatchObject({ treatment: 10, control: 0 });
    expect((await src.counts({ ...logins, matchers: { app: 'admin' } }, since, clock.now())).kind).toBe(
      'no-data',
    );
  });

  it('is NoData for a metric nobody exposes, before the first scrape, and for an empty range', async () => {
    const app = new FakeApp();
    const { clock, src } = setup({ [A]: app });
    const r = await src.counts(logins, new Date(0), clock.now());
    expect(r).toEqual({ kind: 'no-data', reason: 'target app-0 has not been scraped yet' });
    app.logins.inc({ variant: 'control', result: 'success' });
    await src.scrapeOnce();
    expect((await src.counts({ ...logins, metric: 'nope_total' }, new Date(0), clock.now())).kind).toBe(
      'no-data',
    );
    expect((await src.counts(logins, clock.now(), clock.now())).kind).toBe('no-data');
  });

  it('is NoData when a counter reports NaN or a negative value in the range', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    let body = 'x_total{variant="control"} 1\n';
    const src = new ScrapeMetricSource(
      [{ url: A, labels: {} }],
      { fetch: async () => body },
      clock,
      new ManualTicker(clock),
      { intervalMs: 1_000, timeoutMs: 1_000, retentionMs: 60_000 },
    );
    await src.scrapeOnce();
    const since = clock.now();
    for (const bad of ['NaN', '-5', '+Inf']) {
      body = `x_total{variant="control"} ${bad}\n`;
      clock.advance(1_000);
      await src.scrapeOnce();
      const r = await src.counts({ metric: 'x_total', matchers: {}, variant }, since, clock.now());
      expect(r.kind === 'no-data' && r.reason).toMatch(/NaN, infinite or negative/);
    }
  });
});

describe('ScrapeMetricSource targets', () => {
  it('keeps the scrape error, exposes it, and holds only the series the down target owns', async () => {
    const a = new FakeApp();
    const b = new FakeApp();
    const other = new Gauge({ name: 'queue_depth', help: 'q', registers: [b.registry] });
    other.set(3);
    a.logins.inc({ variant: 'control', result: 'success' });
    const { clock, src, scrapeAfter } = setup({ [A]: a, [B]: b });
    await src.scrapeOnce();
    a.down = 'connect ECONNREFUSED 127.0.0.1:1';
    await scrapeAfter(5_000);
    const r = await src.counts(logins, new Date(0), clock.now());
    expect(r.kind === 'no-data' && r.reason).toContain('app-0');
    expect(r.kind === 'no-data' && r.reason).toContain('ECONNREFUSED');
    const gauge = await src.scalar(
      { kind: 'scalar', metric: 'queue_depth', matchers: {}, fn: 'last' },
      60_000,
      clock.now(),
    );
    expect(gauge).toEqual({ kind: 'value', value: 3 });
    const [ta, tb] = src.targets();
    expect(ta).toMatchObject({
      name: 'app-0',
      health: 'down',
      lastError: 'connect ECONNREFUSED 127.0.0.1:1',
    });
    expect(ta?.lastSuccessAt?.getTime()).toBe(clock.now().getTime() - 5_000);
    expect(tb).toMatchObject({ name: 'app-1', health: 'up', series: 1 });
    expect(await src.isOnline()).toBe(true);
    a.down = undefined;
    await scrapeAfter(5_000);
    expect(src.targets()[0]).toMatchObject({ health: 'up' });
    expect(src.targets()[0]?.lastError).toBeUndefined();
  });

  it('marks a target that never answered as down and holds every query', async () => {
    const a = new FakeApp();
    a.down = 'HTTP 500';
    const b = new FakeApp();
    b.logins.inc({ variant: 'control', result: 'success' });
    const { clock, src } = setup({ [A]: a, [B]: b });
    await src.scrapeOnce();
    expect((await src.counts(logins, new Date(0), clock.now())).kind).toBe('no-data');
  });

  it('times a hanging scrape out', async () => {
    const a = new FakeApp();
    a.hang = true;
    const { src } = setup({ [A]: a });
    await src.scrapeOnce();
    expect(src.targets()[0]).toMatchObject({ health: 'down', lastError: 'timed out after 20 ms' });
    expect(await src.isOnline()).toBe(false);
  });

  it('rejects duplicate target names', () => {
    const clock = new ManualClock();
    const make = () =>
      new ScrapeMetricSource(
        [
          { url: A, labels: {} },
          { url: A, labels: {} },
        ],
        transportFor({}),
        clock,
        new ManualTicker(clock),
        { intervalMs: 1, timeoutMs: 1, retentionMs: 1 },
      );
    expect(make).toThrow(ValidationError);
    expect(make).toThrow(/targets\[1\]\.name: duplicate target name "127.0.0.1:1"/);
  });

  it('scrapes on every tick of the injected ticker until stopped', async () => {
    const app = new FakeApp();
    const { ticker, src } = setup({ [A]: app });
    src.start();
    await ticker.advance(0);
    expect(src.targets()[0]?.lastScrapeAt?.toISOString()).toBe('2026-01-01T10:00:00.000Z');
    await ticker.advance(12_000);
    expect(src.targets()[0]?.lastScrapeAt?.toISOString()).toBe('2026-01-01T10:00:10.000Z');
    src.stop();
    await ticker.advance(10_000);
    expect(src.targets()[0]?.lastScrapeAt?.toISOString()).toBe('2026-01-01T10:00:10.000Z');
    expect(ticker.pending).toBe(0);
  });

  it('forgets samples older than the retention', async () => {
    const app = new FakeApp();
    const { clock, src, scrapeAfter } = setup({ [A]: app }, 60_000);
    app.logins.inc({ variant: 'control', result: 'success' }, 5);
    await src.scrapeOnce();
    const start = clock.now();
    for (let i = 0; i < 30; i++) {
      app.logins.inc({ variant: 'control', result: 'success' });
      await scrapeAfter(5_000);
    }
    // Only the last minute is left (13 samples, the oldest as base): the increase since `start` is 12, not 30.
    expect(await src.counts(logins, start, clock.now())).toMatchObject({ control: 12 });
  });
});

describe('ScrapeMetricSource scalars', () => {
  it('answers ratio, increase and rate over a window, and refuses raw PromQL', async () => {
    const app = new FakeApp();
    const { clock, src, scrapeAfter } = setup({ [A]: app });
    app.logins.inc({ variant: 'control', result: 'success' }, 1);
    await src.scrapeOnce();
    app.logins.inc({ variant: 'control', result: 'success' }, 90);
    app.logins.inc({ variant: 'treatment', result: 'failure' }, 10);
    await scrapeAfter(10_000);
    const ratio = {
      kind: 'ratio' as const,
      metric: 'login_attempts_total',
      good: { result: 'success' },
      matchers: {},
    };
    expect(await src.scalar(ratio, 10_000, clock.now())).toEqual({ kind: 'value', value: 0.9, events: 100 });
    const scalar = { kind: 'scalar' as const, metric: 'login_attempts_total', matchers: {} };
    expect(await src.scalar({ ...scalar, fn: 'increase' }, 10_000, clock.now())).toEqual({
      kind: 'value',
      value: 100,
    });
    expect(await src.scalar({ ...scalar, fn: 'rate' }, 10_000, clock.now())).toEqual({
      kind: 'value',
      value: 10,
    });
    const failuresOnly = { ...ratio, good: { result: 'failure' } };
    expect(await src.scalar(failuresOnly, 10_000, clock.now())).toMatchObject({ value: 0.1 });
    const noneGood = { ...ratio, good: { result: 'error' } };
    expect(await src.scalar(noneGood, 10_000, clock.now())).toMatchObject({ value: 0, events: 100 });
    await scrapeAfter(60_000);
    const idle = await src.scalar(ratio, 30_000, clock.now());
    expect(idle.kind === 'no-data' && idle.reason).toContain('0/0');
    await expect(
      src.scalar({ kind: 'promql', query: 'up', rollout: 'r' }, 1_000, clock.now()),
    ).rejects.toMatchObject({ name: 'MetricSourceError', code: 'unsupported_query' });
  });
});
