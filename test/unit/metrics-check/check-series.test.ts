import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { METRICS_CONTRACT } from '../../../src/dashboards/metrics-contract.js';
import {
  type RequiredSeries,
  requiredSeries,
  withoutTargetLabels,
} from '../../../src/guardrails/required-series.js';
import { checkSeries } from '../../../src/metrics-check/check-series.js';
import { metricsUrlReader } from '../../../src/metrics-check/series-readers.js';
import { parseRolloutSpec } from '../../../src/rollout-spec/parse-rollout-spec.js';
import { ManualClock } from '../../../src/time/manual-clock.js';
import { ManualTicker } from '../../../src/time/manual-ticker.js';

const FIXTURE = 'test/fixtures/metrics-check/login-rollout.yaml';

function loginRollout() {
  const parsed = parseRolloutSpec(readFileSync(FIXTURE, 'utf8'), FIXTURE);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

const VARIANT = { label: 'variant', treatment: 'treatment', control: 'control' };
const SUCCESS: RequiredSeries = {
  metric: 'login_attempts_total',
  matchers: { result: 'success' },
  scope: {},
  variant: VARIANT,
  mustMove: true,
  guardrails: ['login-success'],
};
const both = (labels: Record<string, string>) => [
  { ...labels, variant: 'treatment' },
  { ...labels, variant: 'control' },
];

describe('requiredSeries', () => {
  it("lists each selection a spec's guardrails query, merged, through the guardrail registry", () => {
    const { series, queries } = requiredSeries(loginRollout());
    expect(series.map((s) => [s.metric, s.matchers, s.variant?.label, s.mustMove, s.guardrails])).toEqual([
      [
        'login_attempts_total',
        { result: 'success' },
        'variant',
        true,
        ['login-success', 'global-login-success'],
      ],
      ['login_attempts_total', {}, 'variant', true, ['login-success', 'logout-loop', 'global-login-success']],
      ['logouts_total', {}, 'variant', true, ['logout-loop']],
      // A zero guardrail's counter must exist at 0 for both arms, and never has to move.
      ['mfa_enrollment_owner_mismatch_total', {}, 'variant', false, ['enrollment-integrity']],
      ['flag_exposures_total', {}, 'variant', true, ['exposure-balance']],
    ]);
    expect(queries).toEqual([]);
  });

  it("applies the spec's matchers and variant label, and keeps raw PromQL apart", () => {
    const parsed = parseRolloutSpec(
      `apiVersion: rampart/v1
kind: Rollout
name: r
flag: { backend: embedded, name: r }
steps: [10, 100]
variant: { label: arm, treatment: on, control: off }
matchers: { job: checkout }
guardrails:
  - name: s
    compare: { metric: checkout_total, good: { result: ok }, maxDrop: 0.02 }
  - name: p
    promql: { query: 'sum(rate(x_total[$window]))', max: 1 }
`,
      'r.yaml',
    );
    if (!parsed.ok) throw parsed.error;
    const { series, queries } = requiredSeries(parsed.value);
    expect(series.every((s) => s.scope.job === 'checkout')).toBe(true);
    expect(withoutTargetLabels(series).map((s) => [s.matchers, s.scope])).toEqual([
      [{ result: 'ok' }, {}],
      [{}, {}],
    ]);
    expect(series.map((s) => [s.metric, s.matchers, s.variant])).toEqual([
      [
        'checkout_total',
        { job: 'checkout', result: 'ok' },
        { label: 'arm', treatment: 'on', control: 'off' },
      ],
      ['checkout_total', { job: 'checkout' }, { label: 'arm', treatment: 'on', control: 'off' }],
    ]);
    expect(queries).toEqual([{ guardrail: 'p', query: 'sum(rate(x_total[$window]))', windowMs: 300_000 }]);
  });
});

describe('checkSeries', () => {
  const check = (labelSets: Record<string, string>[], increase: number | undefined = 3, r = SUCCESS) =>
    checkSeries(r, { labelSets, increase }, METRICS_CONTRACT);

  it('passes zero-initialised series of both variants that move', () => {
    const r = check([
      ...both({ result: 'success', attempt: 'first' }),
      ...both({ result: 'failure', attempt: 'retry' }),
    ]);
    expect(r).toEqual({
      selector: 'login_attempts_total{result="success"} by variant',
      guardrails: ['login-success'],
      status: 'ok',
      problems: [],
      warnings: [],
    });
  });

  it('reports a metric that is not there, within the scope', () => {
    expect(check([]).status).toBe('missing');
    expect(check([]).problems).toEqual(['no series named login_attempts_total']);
    const scoped = check([], 1, { ...SUCCESS, scope: { job: 'login' } });
    expect(scoped.problems).toEqual([
      'no series named login_attempts_total with job="login" (the spec\'s matchers)',
    ]);
  });

  it('reports a selected label value that never occurs, with the values seen', () => {
    const r = check([...both({ result: 'ok' }), ...both({ result: 'failure' })]);
    expect(r.status).toBe('wrong_labels');
    expect(r.problems).toEqual(['no series with result="success"; values seen: failure, ok']);
  });

  it('reports a missing variant label and a variant without its zero-initialised series', () => {
    const noLabel = check([{ result: 'success' }, { result: 'failure' }]);
    expect(noLabel.status).toBe('wrong_labels');
    expect(noLabel.problems[0]).toMatch(/^label variant is missing/);
    const oneArm = check([{ result: 'success', variant: 'control' }, ...both({ result: 'failure' })]);
    expect(oneArm.status).toBe('wrong_labels');
    expect(oneArm.problems).toEqual([
      'no series with variant="treatment": create it at 0 when the service starts, for both variants, so its first increase is seen',
    ]);
  });

  it('refuses per-user labels and warns about unbounded ones and values outside the contract', () => {
    const perUser = check([
      ...both({ result: 'success', attempt: 'first', user_id: 'u1' }),
      ...both({ result: 'failure', attempt: 'first' }),
    ]);
    expect(perUser.status).toBe('wrong_labels');
    expect(perUser.problems).toEqual([
      'label user_id must never be a label: it makes one series per user (count users, do not label them)',
    ]);
    const many = Array.from({ length: 101 }, (_, i) => ({
      result: 'success',
      variant: 'control',
      route: `/r${i}`,
    }));
    const wide = check([
      ...both({ result: 'success', attempt: 'first', route: '/' }),
      ...both({ result: 'weird' }),
      ...many,
    ]);
    expect(wide.status).toBe('ok');
    expect(wide.warnings).toEqual([
      'label route has more than 100 values: a label must be a small, fixed set',
      'result has values outside the metrics contract (success, failure, error): weird',
    ]);
  });

  it('warns about a later contract label a service lacks, and fails a guardrail that selects it', () => {
    const old = [...both({ result: 'success' }), ...both({ result: 'failure' })];
    const unselected = check(old);
    expect(unselected.status).toBe('ok');
    expect(unselected.warnings).toEqual([
      expect.stringMatching(
        /^label attempt is missing; the metrics contract gives login_attempts_total the labels variant, result, attempt \(attempt="first" for the first attempt of a visit, "retry" for .*\); guardrails selecting attempt find no series$/,
      ),
    ]);
    const firstOnly = { ...SUCCESS, matchers: { result: 'success', attempt: 'first' } };
    const selected = check(old, 3, firstOnly);
    expect(selected.status).toBe('wrong_labels');
    expect(selected.problems).toEqual([
      expect.stringMatching(
        /^label attempt is missing \(the guardrail selects attempt="first"\): count attempt="first" for the first attempt of a visit, "retry" for the same user's attempt after a failed or errored one$/,
      ),
    ]);
    // A required label stays a problem wherever it is missing.
    const noResult = check(both({ attempt: 'first' }), 3, { ...SUCCESS, matchers: {} });
    expect(noResult.problems).toEqual([
      'label result is missing; the metrics contract gives login_attempts_total the labels variant, result, attempt',
    ]);
  });

  it('ignores the job and instance labels Prometheus adds', () => {
    expect(check(both({ result: 'success', job: 'login', instance: '10.0.0.1:80' })).status).toBe('ok');
  });

  it('reports a selection that did not move, unless it is a zero counter', () => {
    expect(check(both({ result: 'success' }), 0).status).toBe('never_moved');
    const zero = { ...SUCCESS, metric: 'mfa_enrollment_owner_mismatch_total', matchers: {}, mustMove: false };
    expect(check(both({}), 0, zero).status).toBe('ok');
    expect(check(both({ result: 'success' }), undefined).status).toBe('ok');
  });
});

describe('metricsUrlReader', () => {
  it('reads twice, an interval apart, and measures the increase between the reads', async () => {
    const texts = [
      'login_attempts_total{variant="treatment",result="success"} 0\nlogin_attempts_total{variant="control",result="success"} 5\n',
      'login_attempts_total{variant="treatment",result="success"} 2\nlogin_attempts_total{variant="control",result="success"} 9\nlogin_attempts_total{variant="control",result="failure"} 1\n',
    ];
    const ticker = new ManualTicker(new ManualClock());
    let reads = 0;
    const transport = { fetch: async () => texts[reads++] ?? '' };
    const pending = metricsUrlReader('http://127.0.0.1:1/metrics', 10_000, transport, ticker);
    // Let the first read finish and the wait be scheduled before the clock moves.
    await new Promise((resolve) => setImmediate(resolve));
    await ticker.advance(9_999);
    expect(reads).toBe(1);
    await ticker.advance(1);
    const reader = await pending;
    expect(reads).toBe(2);
    const [success, all] = await reader.observe([SUCCESS, { ...SUCCESS, matchers: {} }]);
    expect(success).toEqual({
      labelSets: [
        { variant: 'treatment', result: 'success' },
        { variant: 'control', result: 'success' },
        { variant: 'control', result: 'failure' },
      ],
      increase: 6,
    });
    // The failure series appeared between the reads: it grew from 0.
    expect(all?.increase).toBe(7);
    expect(await reader.runQuery({ guardrail: 'p', query: 'up', windowMs: 1 }, 'r')).toBeUndefined();
  });

  it('fails with a typed error naming the URL without its credentials', async () => {
    const ticker = new ManualTicker(new ManualClock());
    const transport = {
      fetch: async () => {
        throw new Error('connect ECONNREFUSED');
      },
    };
    await expect(
      metricsUrlReader('http://u:secret@127.0.0.1:1/metrics', 1, transport, ticker),
    ).rejects.toMatchObject({
      code: 'metric_source_unreachable',
      message: expect.not.stringContaining('secret'),
    });
  });
});
