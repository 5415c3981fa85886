import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Counter, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractRegistry } from '../../support/contract-registry.js';
import { waitFor } from '../../support/free-port.js';
import { type PrometheusServer, startPrometheus } from '../../support/prometheus.js';
import { serveRegistry } from '../../support/serve-registry.js';
import { runCli } from '../../unit/cli/run-cli.js';

/** A service that got the contract wrong in four ways. */
function brokenRegistry() {
  const registry = new Registry();
  const logins = new Counter({
    name: 'login_attempts_total',
    help: 'per user, control only',
    labelNames: ['variant', 'result', 'user_id'],
    registers: [registry],
  });
  const logouts = new Counter({
    name: 'logouts_total',
    help: 'never counted',
    labelNames: ['variant'],
    registers: [registry],
  });
  const mismatch = new Counter({
    name: 'mfa_enrollment_owner_mismatch_total',
    help: 'zero-initialised',
    labelNames: ['variant'],
    registers: [registry],
  });
  for (const variant of ['treatment', 'control']) {
    logouts.inc({ variant }, 0);
    mismatch.inc({ variant }, 0);
  }
  return { registry, traffic: () => logins.inc({ variant: 'control', result: 'success', user_id: 'u17' }) };
}

const good = new ContractRegistry();
const broken = brokenRegistry();
const servers: Server[] = [];
let prom: PrometheusServer | undefined;
let timer: NodeJS.Timeout | undefined;
let dir = '';
const urls = { good: '', broken: '' };

/** A login rollout on the per-attempt series (the flagship's guardrails, fixed for this test). */
const SPEC = 'test/fixtures/metrics-check/login-rollout.yaml';

/** The spec narrowed to one scrape job, as a team points it at its own service. */
function specFor(job: string, extra = ''): string {
  const path = join(dir, `${job}.yaml`);
  writeFileSync(path, `${readFileSync(SPEC, 'utf8')}matchers: { job: ${job} }\n${extra}`);
  return path;
}

async function check(...args: string[]) {
  const run = await runCli(['check-metrics', ...args], new Date());
  return { ...run, json: args.includes('--json') ? JSON.parse(run.out) : undefined };
}

const statuses = (json: { series: { selector: string; status: string }[] }) =>
  Object.fromEntries(json.series.map((s) => [s.selector, s.status]));

const BROKEN_STATUSES = {
  'login_attempts_total{result="success"} by variant': 'wrong_labels',
  'login_attempts_total by variant': 'wrong_labels',
  'logouts_total by variant': 'never_moved',
  'mfa_enrollment_owner_mismatch_total by variant': 'ok',
  'flag_exposures_total by variant': 'missing',
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rampart-check-metrics-'));
  for (const [name, registry] of [
    ['good', good.registry],
    ['broken', broken.registry],
  ] as const) {
    const server = await serveRegistry(registry);
    servers.push(server);
    urls[name] = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  timer = setInterval(() => {
    good.traffic();
    broken.traffic();
  }, 200);
  prom = await startPrometheus({
    jobs: [
      { job: 'good', targets: [urls.good] },
      { job: 'broken', targets: [urls.broken] },
    ],
  });
});

afterAll(async () => {
  clearInterval(timer);
  await prom?.stop();
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('rampart check-metrics --metrics-url', () => {
  it('passes a service that exposes every series the flagship needs, both variants, moving', async () => {
    const run = await check(
      '--spec',
      SPEC,
      '--metrics-url',
      `http://${urls.good}/metrics`,
      '--interval',
      '1s',
    );
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain('(two reads 1s apart)');
    expect(run.out).toMatch(
      /^ok +login_attempts_total\{result="success"\} by variant {2}\[login-success, global-login-success\]$/m,
    );
    expect(run.out).toContain('all 5 series the guardrails need are there and moving');
  });

  it('reports what is missing, wrongly labelled and idle, and exits 1', async () => {
    const run = await check(
      '--spec',
      SPEC,
      '--metrics-url',
      `http://${urls.broken}/metrics`,
      '--interval',
      '1s',
      '--json',
    );
    expect(run.code).toBe(1);
    expect(run.json.ok).toBe(false);
    expect(statuses(run.json)).toEqual(BROKEN_STATUSES);
    const success = run.json.series[0];
    expect(success.problems).toEqual([
      'no series with variant="treatment": create it at 0 when the service starts, for both variants, so its first increase is seen',
      'label user_id must never be a label: it makes one series per user (count users, do not label them)',
    ]);
  });

  it('fails with a message when the URL does not answer', async () => {
    const run = await check(
      '--spec',
      SPEC,
      '--metrics-url',
      'http://127.0.0.1:1/metrics',
      '--interval',
      '1s',
    );
    expect(run.code).toBe(1);
    expect(run.err).toMatch(
      /^rampart check-metrics: metric source http:\/\/127\.0\.0\.1:1\/metrics is unreachable/,
    );
  });
});

describe('rampart check-metrics --prometheus', () => {
  beforeAll(async () => {
    // Both targets scraped a few times, so increase() over the window has samples to work with.
    await waitFor(
      'Prometheus scraping both services',
      async () => {
        const res = await fetch(
          `${prom?.url}/api/v1/query?query=${encodeURIComponent('count(count_over_time(up[1m]) >= 4)')}`,
        );
        const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
        return body.data.result[0]?.value[1] === '2';
      },
      30_000,
      250,
    );
  });

  it("passes the service the spec's matchers select", async () => {
    const run = await check(
      '--spec',
      specFor('good'),
      '--prometheus',
      prom?.url ?? '',
      '--window',
      '30s',
      '--json',
    );
    expect(run.err).toBe('');
    expect(run.json.series.map((s: { status: string }) => s.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(run.json.notes[0]).toMatch(
      /^the flag is scoped .*variant="out_of_scope", never as variant="control"$/,
    );
    expect(run.code).toBe(0);
  });

  it('reports the broken service the same way as its /metrics', async () => {
    const run = await check(
      '--spec',
      specFor('broken'),
      '--prometheus',
      prom?.url ?? '',
      '--window',
      '30s',
      '--json',
    );
    expect(run.code).toBe(1);
    const unscoped = (selector: string) => selector.replace(/job="broken",?/, '').replace('{}', '');
    expect(Object.fromEntries(Object.entries(statuses(run.json)).map(([k, v]) => [unscoped(k), v]))).toEqual(
      BROKEN_STATUSES,
    );
  });

  it('runs raw PromQL guardrails and reports one without data', async () => {
    const extra = `  - name: latency
    promql: { query: 'sum(rate(login_attempts_total{job="good"}[$window]))', min: 0 }
  - name: ghost
    promql: { query: 'sum(rate(no_such_metric_total[$window]))', max: 1 }
`;
    // The extra guardrails are appended to the spec's guardrails list, its last key before matchers.
    const path = join(dir, 'promql.yaml');
    const base = readFileSync(SPEC, 'utf8').replace(/\nalerts:.*\nnotify:.*\n/, '\n');
    writeFileSync(path, `${base}${extra}matchers: { job: good }\n`);
    const run = await check('--spec', path, '--prometheus', prom?.url ?? '', '--window', '30s', '--json');
    expect(run.err).toBe('');
    expect(run.json.queries.map((q: { guardrail: string; ok: boolean }) => [q.guardrail, q.ok])).toEqual([
      ['latency', true],
      ['ghost', false],
    ]);
    expect(run.code).toBe(1);
    const viaUrl = await check(
      '--spec',
      path,
      '--metrics-url',
      `http://${urls.good}/metrics`,
      '--interval',
      '1s',
    );
    expect(viaUrl.out).toMatch(/^NOT CHECKED +promql of ghost {2}raw PromQL needs --prometheus$/m);
    expect(viaUrl.out).toContain(
      'note: matchers on job or instance are labels Prometheus adds: not checked against /metrics',
    );
  });
});
