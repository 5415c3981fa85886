import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors/validation-error.js';
import { createMetricSource } from '../../../src/metric-sources/create-metric-source.js';
import {
  type MetricSourceConfig,
  metricSourceConfigSchema,
  prometheusSourceConfigSchema,
} from '../../../src/metric-sources/metric-source-config.js';
import { createPrometheusAxios } from '../../../src/metric-sources/prometheus/create-prometheus-http-api.js';
import { ManualClock } from '../../../src/time/manual-clock.js';
import { ManualTicker } from '../../../src/time/manual-ticker.js';
import { fakePrometheus, vector } from './fake-prometheus-adapter.js';

const clock = new ManualClock();
const deps = { clock, ticker: new ManualTicker(clock) };
const variant = { label: 'variant', treatment: 'treatment', control: 'control' };

describe('metricSourceConfigSchema', () => {
  it('lists the valid types for an unknown one', () => {
    const r = metricSourceConfigSchema.safeParse({ type: 'influx', url: 'http://x' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toContain("'prometheus' | 'scrape'");
  });

  it('applies defaults and parses durations', () => {
    expect(
      metricSourceConfigSchema.parse({ type: 'scrape', targets: [{ url: 'http://127.0.0.1:9/metrics' }] }),
    ).toEqual({
      type: 'scrape',
      targets: [{ url: 'http://127.0.0.1:9/metrics', labels: {} }],
      interval: 5_000,
      timeout: 3_000,
      retention: 7_200_000,
    });
  });

  it('rejects unknown fields and a bad path prefix', () => {
    expect(
      metricSourceConfigSchema.safeParse({ type: 'prometheus', url: 'http://p:9090', tls: true }).success,
    ).toBe(false);
    const r = metricSourceConfigSchema.safeParse({
      type: 'prometheus',
      url: 'http://p:9090',
      pathPrefix: 'prom/',
    });
    expect(r.error?.issues[0]?.path).toEqual(['pathPrefix']);
  });
});

describe('createMetricSource', () => {
  it('builds a Prometheus source that queries through the given axios instance', async () => {
    const fake = fakePrometheus([vector([{ variant: 'control' }, '4'])]);
    const config = metricSourceConfigSchema.parse({ type: 'prometheus', url: 'http://prom.test:9090' });
    const source = createMetricSource(config, { ...deps, http: fake.http });
    expect(source.type).toBe('prometheus');
    expect(source.targets()).toEqual([]);
    const q = { metric: 'x_total', matchers: {}, variant };
    expect(await source.counts(q, new Date(0), new Date(10_000))).toMatchObject({ control: 4 });
  });

  it('builds a scrape source whose targets start unknown', () => {
    const config = metricSourceConfigSchema.parse({
      type: 'scrape',
      targets: [{ name: 'login', url: 'http://127.0.0.1:9/metrics' }],
    });
    const source = createMetricSource(config, { ...deps, scrapeTransport: { fetch: async () => '' } });
    expect(source.type).toBe('scrape');
    expect(source.targets()).toEqual([
      { name: 'login', url: 'http://127.0.0.1:9/metrics', health: 'unknown', series: 0 },
    ]);
  });

  it('refuses an unknown type, listing the valid ones', () => {
    const bogus = { type: 'influx' } as unknown as MetricSourceConfig;
    expect(() => createMetricSource(bogus, deps)).toThrow(ValidationError);
    expect(() => createMetricSource(bogus, deps)).toThrow(
      /unknown metric source type "influx"; valid values: prometheus, scrape/,
    );
  });
});

describe('createPrometheusAxios', () => {
  const base = { type: 'prometheus' as const, url: 'http://prom.test:9090/', pathPrefix: '/prometheus' };

  it('puts the path prefix in the base URL and sends a bearer token', () => {
    const http = createPrometheusAxios(
      prometheusSourceConfigSchema.parse({ ...base, auth: { type: 'bearer', token: 't0k' } }),
    );
    expect(http.defaults.baseURL).toBe('http://prom.test:9090/prometheus');
    expect(http.defaults.headers.Authorization).toBe('Bearer t0k');
  });

  it('sends basic credentials base64-encoded', () => {
    const config = { ...base, auth: { type: 'basic', username: 'rampart', password: 'pä:ss' } };
    const http = createPrometheusAxios(prometheusSourceConfigSchema.parse(config));
    expect(http.defaults.headers.Authorization).toBe(
      `Basic ${Buffer.from('rampart:pä:ss').toString('base64')}`,
    );
  });
});
