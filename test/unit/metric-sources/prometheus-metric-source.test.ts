import { describe, expect, it } from 'vitest';
import type { MetricSourceError } from '../../../src/errors/metric-source-error.js';
import type { CountQuery } from '../../../src/metric-sources/metric-source.js';
import { PrometheusHttpApi } from '../../../src/metric-sources/prometheus/prometheus-http-api.js';
import { PrometheusMetricSource } from '../../../src/metric-sources/prometheus/prometheus-metric-source.js';
import { promqlSyntaxErrors } from '../../../src/rollout-spec/promql-syntax.js';
import { type FakeReply, fakePrometheus, vector } from './fake-prometheus-adapter.js';

const variant = { label: 'variant', treatment: 'treatment', control: 'control' };
const q: CountQuery = { metric: 'login_attempts_total', matchers: { result: 'success' }, variant };
const since = new Date('2026-01-01T10:00:00Z');
const until = new Date('2026-01-01T10:01:00Z');

function source(
  replies: FakeReply[],
  opts: Partial<{
    retries: number;
    timeoutMs: number;
    concurrency: number;
    queue: number;
    batchSize: number;
  }> = {},
) {
  const fake = fakePrometheus(replies);
  const api = new PrometheusHttpApi(fake.http, {
    endpoint: 'http://prom.test:9090',
    timeoutMs: opts.timeoutMs ?? 5_000,
    retries: opts.retries ?? 2,
    concurrency: opts.concurrency ?? 4,
    queue: opts.queue ?? 100,
    retryDelayMs: 0,
  });
  return { fake, src: new PrometheusMetricSource(api, { batchSize: opts.batchSize ?? 10 }) };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

const flush = () => new Promise<void>((r) => setImmediate(r));

describe('PrometheusMetricSource.counts', () => {
  it('splits the vector by variant and reports unknown values, including a missing label', async () => {
    const { fake, src } = source([
      vector(
        [{ variant: 'treatment' }, '12'],
        [{ variant: 'control' }, '1000.5'],
        [{ variant: 'beta' }, '3'],
        [{}, '2'],
      ),
    ]);
    expect(await src.counts(q, since, until)).toEqual({
      kind: 'counts',
      treatment: 12,
      control: 1000.5,
      unknown: { beta: 3, '': 2 },
    });
    expect(fake.seen[0]?.url).toBe('http://prom.test:9090/api/v1/query');
    expect(fake.seen[0]?.params).toEqual({
      query: 'sum by (variant) (increase(login_attempts_total{result="success"}[60s]))',
      time: until.getTime() / 1000,
    });
  });

  it('counts a variant without series as zero', async () => {
    const { src } = source([vector([{ variant: 'control' }, '7'])]);
    expect(await src.counts(q, since, until)).toMatchObject({ treatment: 0, control: 7 });
  });

  it('turns an empty vector into NoData naming the query', async () => {
    const { src } = source([vector()]);
    const r = await src.counts(q, since, until);
    expect(r).toMatchObject({ kind: 'no-data' });
    expect(r.kind === 'no-data' && r.reason).toContain('login_attempts_total{result="success"}');
  });

  it.each(['NaN', '+Inf', '-Inf', '-3'])('turns a %s sample into NoData', async (v) => {
    const { src } = source([vector([{ variant: 'treatment' }, '1'], [{ variant: 'control' }, v])]);
    const r = await src.counts(q, since, until);
    expect(r.kind).toBe('no-data');
    expect(r.kind === 'no-data' && r.reason).toContain(v);
  });

  it('answers NoData for an empty range without querying', async () => {
    const { fake, src } = source([vector()]);
    expect((await src.counts(q, until, until)).kind).toBe('no-data');
    expect(fake.seen).toHaveLength(0);
  });
});

describe('PrometheusMetricSource.scalar', () => {
  const ratio = {
    kind: 'ratio' as const,
    metric: 'login_attempts_total',
    good: { result: 'success' },
    matchers: {},
  };

  it('returns a ratio with the events behind it', async () => {
    const { fake, src } = source([vector([{}, '0.95']), vector([{}, '400'])], { batchSize: 1 });
    expect(await src.scalar(ratio, 300_000, until)).toEqual({ kind: 'value', value: 0.95, events: 400 });
    expect(fake.seen.map((s) => s.params.query)).toEqual([
      '(sum(increase(login_attempts_total{result="success"}[300s])) or vector(0)) / sum(increase(login_attempts_total[300s]))',
      'sum(increase(login_attempts_total[300s]))',
    ]);
  });

  it('accepts a scalar result and turns NaN (0/0) and Inf into NoData', async () => {
    const raw = { kind: 'promql' as const, query: 'scalar(up)', rollout: 'r' };
    const scalarReply = (v: string): FakeReply => ({
      status: 200,
      body: { status: 'success', data: { resultType: 'scalar', result: [1, v] } },
    });
    expect(await source([scalarReply('-2.5')]).src.scalar(raw, 60_000, until)).toEqual({
      kind: 'value',
      value: -2.5,
    });
    expect((await source([scalarReply('NaN')]).src.scalar(raw, 60_000, until)).kind).toBe('no-data');
    expect((await source([scalarReply('+Inf')]).src.scalar(raw, 60_000, until)).kind).toBe('no-data');
  });

  it('rejects a query yielding several series, telling to aggregate', async () => {
    const { src } = source([vector([{ a: '1' }, '1'], [{ a: '2' }, '2'])]);
    const e = await rejection(src.scalar({ kind: 'promql', query: 'up', rollout: 'r' }, 60_000, until));
    expect(e).toMatchObject({ name: 'MetricSourceError', code: 'metric_source_bad_response' });
    expect(e.message).toMatch(/2 series.*sum/);
  });
});

describe('PrometheusMetricSource error mapping', () => {
  it('maps status "error" to a query error that names the query and never the token', async () => {
    const { fake, src } = source([
      { status: 400, body: { status: 'error', errorType: 'bad_data', error: 'parse error at char 5' } },
    ]);
    const e = await rejection(src.counts(q, since, until));
    expect(e).toMatchObject({ name: 'MetricSourceError', code: 'metric_source_query_error' });
    expect(e.message).toContain('bad_data: parse error at char 5');
    expect(e.message).toContain('login_attempts_total');
    expect(JSON.stringify({ e, cause: e.cause, message: e.message })).not.toContain('s3cret');
    expect(fake.seen).toHaveLength(1);
  });

  it('does not retry 4xx and says to check the credentials on 401', async () => {
    const { fake, src } = source([{ status: 401, body: 'Unauthorized' }]);
    const e = await rejection(src.counts(q, since, until));
    expect(e).toMatchObject({ name: 'MetricSourceError', code: 'metric_source_http_error' });
    expect(e.message).toMatch(/HTTP 401.*credentials/);
    expect(e.message).not.toContain('s3cret');
    expect(e.cause).toBeUndefined();
    expect(fake.seen).toHaveLength(1);
  });

  it('retries 5xx and succeeds when the server recovers', async () => {
    const { fake, src } = source([
      { status: 503, body: 'busy' },
      { status: 502, body: '' },
      vector([{ variant: 'control' }, '5']),
    ]);
    expect(await src.counts(q, since, until)).toMatchObject({ control: 5 });
    expect(fake.seen).toHaveLength(3);
  });

  it('gives up after the configured retries on persistent 5xx', async () => {
    const { fake, src } = source([{ status: 500, body: 'boom' }], { retries: 3 });
    const e = await rejection(src.counts(q, since, until));
    expect(e).toMatchObject({ name: 'MetricSourceError', code: 'metric_source_http_error' });
    expect((e as MetricSourceError).status).toBe(500);
    expect(fake.seen).toHaveLength(4);
  });

  it('retries a reset connection, and reports a refused one as unreachable', async () => {
    const reset = source([{ networkError: 'ECONNRESET' }, vector([{ variant: 'treatment' }, '1'])]);
    expect(await reset.src.counts(q, since, until)).toMatchObject({ treatment: 1 });
    const refused = source([{ networkError: 'ECONNREFUSED' }], { retries: 1 });
    const e = await rejection(refused.src.counts(q, since, until));
    expect(e).toMatchObject({ name: 'MetricSourceError', code: 'metric_source_unreachable' });
    expect(e.message).toMatch(/ECONNREFUSED.*metricSource\.url/);
    expect(refused.fake.seen).toHaveLength(2);
  });

  it('times out a hanging query once, without retrying it', async () => {
    const { fake, src } = source([{ hang: true }], { timeoutMs: 10 });
    const e = await rejection(src.counts(q, since, until));
    expect(e).toMatchObject({ name: 'MetricSourceError', code: 'metric_source_timeout' });
    expect(e.message).toContain('10 ms');
    expect(fake.seen).toHaveLength(1);
  });

  it('treats warnings as an error: the answer may be partial', async () => {
    const { src } = source([
      {
        status: 200,
        body: {
          status: 'success',
          data: { resultType: 'vector', result: [] },
          warnings: ['partial response'],
        },
      },
    ]);
    const e = await rejection(src.counts(q, since, until));
    expect(e).toMatchObject({ name: 'MetricSourceError', code: 'metric_source_warning' });
    expect(e.message).toContain('partial response');
  });

  it('rejects an answer that is not the Prometheus API (wrong URL or prefix)', async () => {
    const { src } = source([{ status: 200, body: '<html>grafana</html>' }]);
    const e = await rejection(src.counts(q, since, until));
    expect(e).toMatchObject({ name: 'MetricSourceError', code: 'metric_source_bad_response' });
    expect(e.message).toContain('pathPrefix');
  });
});

describe('PrometheusHttpApi concurrency', () => {
  it('keeps at most `concurrency` queries in flight and queues the rest', async () => {
    const { fake, src } = source([{ hang: true }], { concurrency: 2 });
    const all = Promise.all(
      Array.from({ length: 5 }, (_, i) => src.counts(q, since, new Date(until.getTime() + i))),
    );
    await flush();
    expect(fake.inFlight()).toBe(2);
    while (fake.seen.length < 5) {
      fake.release();
      await flush();
    }
    fake.release();
    const results = await all;
    expect(results.every((r) => r.kind === 'no-data')).toBe(true);
    expect(fake.maxInFlight()).toBe(2);
  });

  it('fails fast with an overload error when the queue is full', async () => {
    const { fake, src } = source([{ hang: true }], { concurrency: 1, queue: 1 });
    const at = (i: number) => new Date(until.getTime() + i * 1000);
    const first = src.counts(q, since, at(1));
    const second = src.counts(q, since, at(2));
    const e = await rejection(src.counts(q, since, at(3)));
    expect(e).toMatchObject({ name: 'MetricSourceError', code: 'metric_source_overloaded' });
    expect(e.message).toContain('concurrency');
    while (fake.seen.length < 2) {
      fake.release();
      await flush();
    }
    fake.release();
    await Promise.all([first, second]);
  });
});

describe('PrometheusMetricSource batching', () => {
  const exposures: CountQuery = { metric: 'flag_exposures_total', matchers: {}, variant };

  it('joins the queries of one instant into one request and splits the answer', async () => {
    const { fake, src } = source([
      vector(
        [{ variant: 'treatment', rampart_q: '0' }, '10'],
        [{ variant: 'control', rampart_q: '0' }, '90'],
        [{ variant: 'control', rampart_q: '1' }, '7'],
        [{ rampart_q: '2' }, '0.5'],
      ),
    ]);
    const ratio = {
      kind: 'ratio' as const,
      metric: 'login_attempts_total',
      good: { result: 'success' },
      matchers: {},
    };
    const [a, b, c] = await Promise.all([
      src.counts(q, since, until),
      src.counts(exposures, since, until),
      src.scalar(ratio, 60_000, until),
    ]);
    expect(a).toEqual({ kind: 'counts', treatment: 10, control: 90, unknown: {} });
    expect(b).toEqual({ kind: 'counts', treatment: 0, control: 7, unknown: {} });
    // The ratio's events part (index 3) had no series: the value stands without events.
    expect(c).toEqual({ kind: 'value', value: 0.5 });
    expect(fake.seen).toHaveLength(1);
    const sent = String(fake.seen[0]?.params.query);
    expect(sent).toBe(
      [
        'label_replace(sum by (variant) (increase(login_attempts_total{result="success"}[60s])), "rampart_q", "0", "", "")',
        'label_replace(sum by (variant) (increase(flag_exposures_total[60s])), "rampart_q", "1", "", "")',
        'label_replace((sum(increase(login_attempts_total{result="success"}[60s])) or vector(0)) / sum(increase(login_attempts_total[60s])), "rampart_q", "2", "", "")',
        'label_replace(sum(increase(login_attempts_total[60s])), "rampart_q", "3", "", "")',
      ].join(' or '),
    );
    expect(promqlSyntaxErrors(sent)).toEqual([]);
  });

  it('gives an empty part NoData and fails every part when the batch fails', async () => {
    const ok = source([vector([{ variant: 'control', rampart_q: '1' }, '3'])]);
    const [a, b] = await Promise.all([
      ok.src.counts(q, since, until),
      ok.src.counts(exposures, since, until),
    ]);
    expect(a.kind).toBe('no-data');
    expect(b).toMatchObject({ control: 3 });
    const failing = source([{ status: 503, body: 'down' }], { retries: 0 });
    const results = await Promise.allSettled([
      failing.src.counts(q, since, until),
      failing.src.counts(exposures, since, until),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(failing.fake.seen).toHaveLength(1);
  });

  it('splits batches at batchSize and never batches different instants', async () => {
    const { fake, src } = source([vector()], { batchSize: 2 });
    const metrics = ['a_total', 'b_total', 'c_total'];
    await Promise.all([
      ...metrics.map((metric) => src.counts({ ...q, metric }, since, until)),
      src.counts(q, since, new Date(until.getTime() + 1_000)),
    ]);
    expect(fake.seen).toHaveLength(3);
  });
});

describe('PrometheusHttpApi request sharing', () => {
  it('sends one request for identical concurrent queries, and a new one once it has settled', async () => {
    const { fake, src } = source([vector([{ variant: 'control' }, '9'])]);
    const [a, b] = await Promise.all([src.counts(q, since, until), src.counts(q, since, until)]);
    expect(a).toEqual(b);
    expect(fake.seen).toHaveLength(1);
    await src.counts(q, since, until);
    expect(fake.seen).toHaveLength(2);
    await src.counts(q, since, new Date(until.getTime() + 1_000));
    expect(fake.seen).toHaveLength(3);
  });
});

describe('PrometheusMetricSource.isOnline', () => {
  it('is true when a trivial query succeeds and false when the server is unreachable', async () => {
    const up = source([
      { status: 200, body: { status: 'success', data: { resultType: 'scalar', result: [1, '1'] } } },
    ]);
    expect(await up.src.isOnline()).toBe(true);
    expect(await source([{ networkError: 'ECONNREFUSED' }]).src.isOnline()).toBe(false);
  });
});
