import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricSource } from '../../../src/metric-sources/create-metric-source.js';
import type { CountQuery } from '../../../src/metric-sources/metric-source.js';
import { metricSourceConfigSchema } from '../../../src/metric-sources/metric-source-config.js';
import { ManualClock } from '../../../src/time/manual-clock.js';
import { ManualTicker } from '../../../src/time/manual-ticker.js';
import { freePort } from '../../support/free-port.js';

/** A stand-in for the Prometheus query API on loopback whose answer depends on the metric queried. */
let server: Server;
let base: string;
const seen: { path: string; auth: string | undefined }[] = [];
const attempts = new Map<string, number>();

function answer(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  seen.push({ path: url.pathname, auth: req.headers.authorization });
  const query = url.searchParams.get('query') ?? '';
  const n = (attempts.get(query) ?? 0) + 1;
  attempts.set(query, n);
  const json = (status: number, body: unknown): void => {
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  };
  const ok = {
    status: 'success',
    data: { resultType: 'vector', result: [{ metric: { variant: 'control' }, value: [1, '5'] }] },
  };
  if (url.pathname !== '/prom/api/v1/query') {
    res.writeHead(404).end('not found');
  } else if (req.headers.authorization !== 'Bearer t0ken') {
    res.writeHead(401).end('no');
  } else if (query.includes('bad_total')) {
    json(400, { status: 'error', errorType: 'bad_data', error: 'parse error' });
  } else if (query.includes('flaky_total')) {
    if (n < 3) json(503, { status: 'error', errorType: 'unavailable', error: 'busy' });
    else json(200, ok);
  } else if (query.includes('reset_total')) {
    if (n < 2) req.socket.destroy();
    else json(200, ok);
  } else if (query.includes('warn_total')) {
    json(200, { ...ok, warnings: ['partial response: store down'] });
  } else if (!query.includes('slow_total')) {
    json(200, ok); // slow_total never gets an answer
  }
}

beforeAll(async () => {
  server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const clock = new ManualClock();
const deps = { clock, ticker: new ManualTicker(clock) };
const variant = { label: 'variant', treatment: 'treatment', control: 'control' };
const q = (metric: string): CountQuery => ({ metric, matchers: {}, variant });
const since = new Date('2026-01-01T10:00:00Z');
const until = new Date('2026-01-01T10:05:00Z');

function source(overrides: Record<string, unknown> = {}) {
  const config = metricSourceConfigSchema.parse({
    type: 'prometheus',
    url: base,
    pathPrefix: '/prom',
    auth: { type: 'bearer', token: 't0ken' },
    timeout: '300ms',
    retries: 2,
    ...overrides,
  });
  return createMetricSource(config, deps);
}

describe('PrometheusMetricSource over real HTTP', () => {
  it('sends the bearer token under the path prefix', async () => {
    expect(await source().counts(q('ok_total'), since, until)).toMatchObject({ control: 5 });
    expect(seen.at(-1)).toEqual({ path: '/prom/api/v1/query', auth: 'Bearer t0ken' });
  });

  it('reports wrong credentials and a wrong prefix without echoing the token', async () => {
    const wrongToken = source({ auth: { type: 'bearer', token: 'wr0ng' } }).counts(
      q('ok_total'),
      since,
      until,
    );
    await expect(wrongToken).rejects.toMatchObject({
      name: 'MetricSourceError',
      code: 'metric_source_http_error',
    });
    await expect(wrongToken).rejects.toThrow(/HTTP 401.*credentials/);
    await expect(wrongToken).rejects.not.toThrow(/wr0ng/);
    await expect(source({ pathPrefix: '/nope' }).counts(q('ok_total'), since, until)).rejects.toThrow(
      /HTTP 404.*pathPrefix/,
    );
  });

  it('maps a bad query, retries 503 and reset connections, and treats warnings as errors', async () => {
    await expect(source().counts(q('bad_total'), since, until)).rejects.toMatchObject({
      name: 'MetricSourceError',
      code: 'metric_source_query_error',
    });
    expect(attempts.get('sum by (variant) (increase(bad_total[300s]))')).toBe(1);
    expect(await source().counts(q('flaky_total'), since, until)).toMatchObject({ control: 5 });
    expect(attempts.get('sum by (variant) (increase(flaky_total[300s]))')).toBe(3);
    expect(await source().counts(q('reset_total'), since, until)).toMatchObject({ control: 5 });
    await expect(source().counts(q('warn_total'), since, until)).rejects.toMatchObject({
      name: 'MetricSourceError',
      code: 'metric_source_warning',
    });
  });

  it('times out a query that never answers', async () => {
    await expect(source().counts(q('slow_total'), since, until)).rejects.toMatchObject({
      name: 'MetricSourceError',
      code: 'metric_source_timeout',
    });
  });

  it('reports a closed port as unreachable, and isOnline as false', async () => {
    const closed = source({ url: `http://127.0.0.1:${await freePort()}` });
    await expect(closed.counts(q('ok_total'), since, until)).rejects.toMatchObject({
      name: 'MetricSourceError',
      code: 'metric_source_unreachable',
    });
    await expect(closed.counts(q('ok_total'), since, until)).rejects.toThrow(/ECONNREFUSED/);
    expect(await closed.isOnline()).toBe(false);
  });
});
