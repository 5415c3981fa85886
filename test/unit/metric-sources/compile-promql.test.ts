import { describe, expect, it } from 'vitest';
import { guardrailQueries } from '../../../src/guardrails/registry.js';
import {
  compileCountQuery,
  compileScalarQuery,
  escapeLabelValue,
  selector,
  substitutePromql,
} from '../../../src/metric-sources/prometheus/compile-promql.js';
import { promqlSyntaxErrors } from '../../../src/rollout-spec/promql-syntax.js';
import { guardrailSchema, rolloutSpecSchema } from '../../../src/rollout-spec/rollout-spec-schema.js';

const spec = rolloutSpecSchema.parse({
  apiVersion: 'rampart/v1',
  kind: 'Rollout',
  name: 'mfa-staff',
  flag: { backend: 'unleash', name: 'mfa-staff-login' },
  steps: [1, 5, 100],
  matchers: { app: 'login' },
  guardrails: [
    {
      name: 'login-success',
      compare: { metric: 'login_attempts_total', good: { result: 'success' }, maxDrop: 0.05 },
    },
    { name: 'logout-loop', rate: { events: 'logouts_total', per: 'login_attempts_total', maxRatio: 1.5 } },
    {
      name: 'global-login-success',
      threshold: {
        ratio: { metric: 'login_attempts_total', good: { result: 'success' } },
        min: 0.9,
        window: '5m',
      },
    },
    { name: 'error-rate', threshold: { scalar: { metric: 'http_requests_total', fn: 'rate' }, max: 3 } },
    {
      name: 'queue-depth',
      threshold: { scalar: { metric: 'queue_depth', fn: 'last' }, max: 100, window: '1m' },
    },
    { name: 'enrollment-integrity', zero: { metric: 'mfa_enrollment_owner_mismatch_total' } },
    { name: 'exposure-balance', srm: { metric: 'flag_exposures_total' } },
    {
      name: 'raw',
      promql: {
        query: 'sum(rate(errors_total{rollout="$rollout"}[$window])) / sum(rate(requests_total[$window]))',
      },
    },
  ],
});

const stepStart = new Date('2026-01-01T10:00:00.000Z');
const now = new Date('2026-01-01T10:02:00.250Z'); // 120.25 s later: rounds up to 121 s

function compiledFor(name: string): string[] {
  const g = spec.guardrails.find((x) => x.name === name);
  if (!g) throw new Error(`no guardrail ${name}`);
  return guardrailQueries(spec, g).flatMap((gq) => {
    if (gq.type === 'counts') return [compileCountQuery(gq.query, stepStart, now).query];
    const c = compileScalarQuery(gq.query, gq.windowMs, now);
    return c.events ? [c.value.query, c.events.query] : [c.value.query];
  });
}

describe('PromQL compilation of every guardrail kind', () => {
  it.each([
    [
      'login-success',
      [
        'sum by (variant) (increase(login_attempts_total{app="login",result="success"}[121s]))',
        'sum by (variant) (increase(login_attempts_total{app="login"}[121s]))',
      ],
    ],
    [
      'logout-loop',
      [
        'sum by (variant) (increase(logouts_total{app="login"}[121s]))',
        'sum by (variant) (increase(login_attempts_total{app="login"}[121s]))',
      ],
    ],
    [
      'global-login-success',
      [
        '(sum(increase(login_attempts_total{app="login",result="success"}[300s])) or vector(0)) / sum(increase(login_attempts_total{app="login"}[300s]))',
        'sum(increase(login_attempts_total{app="login"}[300s]))',
      ],
    ],
    ['error-rate', ['sum(rate(http_requests_total{app="login"}[300s]))']],
    ['queue-depth', ['sum(last_over_time(queue_depth{app="login"}[60s]))']],
    [
      'enrollment-integrity',
      ['sum by (variant) (increase(mfa_enrollment_owner_mismatch_total{app="login"}[121s]))'],
    ],
    ['exposure-balance', ['sum by (variant) (increase(flag_exposures_total{app="login"}[121s]))']],
    ['raw', ['sum(rate(errors_total{rollout="mfa-staff"}[300s])) / sum(rate(requests_total[300s]))']],
  ])('%s compiles to the expected, syntactically valid PromQL', (name, expected) => {
    const queries = compiledFor(name);
    expect(queries).toEqual(expected);
    for (const q of queries) expect(promqlSyntaxErrors(q)).toEqual([]);
  });

  it('evaluates counts at the end of the range and scalars at `at`', () => {
    const q = { metric: 'x_total', matchers: {}, variant: spec.variant };
    expect(compileCountQuery(q, stepStart, now).time).toBe(now);
    expect(
      compileScalarQuery({ kind: 'scalar', metric: 'x', matchers: {}, fn: 'increase' }, 1, now).value.time,
    ).toBe(now);
  });

  it('uses the rollout variant label and never compiles a range shorter than 1 s', () => {
    const q = {
      metric: 'x_total',
      matchers: {},
      variant: { label: 'arm', treatment: 'on', control: 'off' },
    };
    expect(compileCountQuery(q, now, now).query).toBe('sum by (arm) (increase(x_total[1s]))');
    expect(compileCountQuery(q, stepStart, new Date(stepStart.getTime() + 1)).query).toContain('[1s]');
  });

  it('lets guardrail matchers override the rollout matchers', () => {
    const g = guardrailSchema.parse({ name: 'z', zero: { metric: 'm_total', matchers: { app: 'admin' } } });
    const [gq] = guardrailQueries(spec, g);
    expect(gq?.type === 'counts' && gq.query.matchers).toEqual({ app: 'admin' });
  });
});

describe('label value escaping', () => {
  it.each([
    ['plain', 'plain'],
    ['say "hi"', 'say \\"hi\\"'],
    ['C:\\dir', 'C:\\\\dir'],
    ['two\nlines', 'two\\nlines'],
    ['tab\tcr\r', 'tab\\tcr\\r'],
    ['\\"', '\\\\\\"'],
  ])('%j escapes to %j and the selector parses', (raw, escaped) => {
    expect(escapeLabelValue(raw)).toBe(escaped);
    const sel = selector('m_total', { result: raw });
    expect(sel).toBe(`m_total{result="${escaped}"}`);
    expect(promqlSyntaxErrors(`sum(increase(${sel}[5s]))`)).toEqual([]);
  });

  it('rejects metric and label names that would inject PromQL', () => {
    expect(() => selector('m"}) or vector(1', {})).toThrow(/metric name/);
    expect(() => selector('m', { 'a="x"} or up{b': 'v' })).toThrow(/label name/);
  });

  it('escapes the rollout name substituted into raw PromQL', () => {
    expect(substitutePromql('x{r="$rollout"}[$window] $windows', 90_500, 'a"b')).toBe(
      'x{r="a\\"b"}[91s] $windows',
    );
  });
});

describe('PromQL syntax check', () => {
  it('reports broken expressions with a column', () => {
    expect(promqlSyntaxErrors('sum(rate(x[5m]) /')[0]?.offset).toBeGreaterThan(0);
    expect(promqlSyntaxErrors('m{a="b\nc"}')).not.toEqual([]);
    expect(promqlSyntaxErrors('  ')).toEqual([{ offset: 0, message: 'empty PromQL expression' }]);
  });
});
