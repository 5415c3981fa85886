import { describe, expect, it } from 'vitest';
import { MetricVerdictSource } from '../../../src/controller/metric-verdict-source.js';
import type { VerdictRequest } from '../../../src/controller/verdict-source.js';
import type {
  CountQuery,
  MetricSource,
  NoData,
  ScalarQuery,
  ScalarValue,
  VariantCounts,
} from '../../../src/metric-sources/metric-source.js';
import { type RolloutSpec, rolloutSpecSchema } from '../../../src/rollout-spec/rollout-spec-schema.js';

type CountAnswer = VariantCounts | NoData | Error;
type ScalarAnswer = ScalarValue | NoData | Error;

/** A metric source answering from tables keyed by metric + matchers; records every call; can hold answers back. */
class FakeMetricSource implements MetricSource {
  readonly countCalls: { q: CountQuery; since: Date; until: Date }[] = [];
  readonly scalarCalls: { q: ScalarQuery; windowMs: number; at: Date }[] = [];
  private readonly gates: (() => void)[] = [];
  held = false;

  constructor(
    private readonly countTable: Record<string, CountAnswer>,
    private readonly scalarTable: Record<string, ScalarAnswer> = {},
  ) {}

  static key(metric: string, matchers: Record<string, string>): string {
    const sorted = Object.keys(matchers)
      .sort()
      .map((k) => `${k}=${matchers[k]}`);
    return `${metric}{${sorted.join(',')}}`;
  }

  get pending(): number {
    return this.gates.length;
  }

  release(): void {
    for (const open of this.gates.splice(0)) open();
  }

  async counts(q: CountQuery, since: Date, until: Date): Promise<VariantCounts | NoData> {
    this.countCalls.push({ q, since, until });
    await this.gate();
    return answer(this.countTable[FakeMetricSource.key(q.metric, q.matchers)], q.metric);
  }

  async scalar(q: ScalarQuery, windowMs: number, at: Date): Promise<ScalarValue | NoData> {
    this.scalarCalls.push({ q, windowMs, at });
    await this.gate();
    const key = q.kind === 'promql' ? q.query : FakeMetricSource.key(q.metric, q.matchers);
    return answer(this.scalarTable[key], key);
  }

  async isOnline(): Promise<boolean> {
    return true;
  }

  private gate(): Promise<void> {
    return this.held ? new Promise((open) => this.gates.push(open)) : Promise.resolve();
  }
}

function answer<T>(a: T | Error | undefined, what: string): T | NoData {
  if (a instanceof Error) throw a;
  return a ?? { kind: 'no-data', reason: `no series ${what}` };
}

function counts(treatment: number, control: number, unknown: Record<string, number> = {}): VariantCounts {
  return { kind: 'counts', treatment, control, unknown };
}

const spec: RolloutSpec = rolloutSpecSchema.parse({
  apiVersion: 'rampart/v1',
  kind: 'Rollout',
  name: 'mfa-staff',
  flag: { backend: 'unleash', name: 'mfa-staff-login' },
  steps: [1, 5, 25, 50, 100],
  matchers: { app: 'login' },
  variant: { label: 'mfa', treatment: 'on', control: 'off' },
  guardrails: [
    {
      name: 'login-success',
      compare: {
        metric: 'login_attempts_total',
        good: { result: 'success' },
        matchers: { region: 'eu' },
        maxDrop: 0.05,
      },
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
    { name: 'enrollment-integrity', zero: { metric: 'mfa_enrollment_owner_mismatch_total' } },
    { name: 'exposure-balance', srm: { metric: 'flag_exposures_total' } },
    { name: 'p99', promql: { query: 'p99_latency_seconds', max: 0.5, window: '2m' } },
  ],
});

const K = FakeMetricSource.key;
const healthy: Record<string, CountAnswer> = {
  [K('login_attempts_total', { app: 'login', region: 'eu', result: 'success' })]: counts(98, 9700),
  [K('login_attempts_total', { app: 'login', region: 'eu' })]: counts(100, 9900),
  [K('logouts_total', { app: 'login' })]: counts(20, 2000),
  [K('login_attempts_total', { app: 'login' })]: counts(100, 9900),
  [K('mfa_enrollment_owner_mismatch_total', { app: 'login' })]: counts(0, 0),
  [K('flag_exposures_total', { app: 'login' })]: counts(100, 9900),
};
const scalars: Record<string, ScalarAnswer> = {
  [K('login_attempts_total', { app: 'login' })]: { kind: 'value', value: 0.98, events: 10_000 },
  p99_latency_seconds: { kind: 'value', value: 0.2 },
};

const req: VerdictRequest = {
  spec,
  stepIndex: 0,
  percentage: 1,
  stepStartedAt: new Date('2026-04-26T09:00:00Z'),
  now: new Date('2026-04-26T09:12:00Z'),
};

describe('MetricVerdictSource', () => {
  it('builds queries from the spec and judges every guardrail in spec order', async () => {
    const source = new FakeMetricSource(healthy, scalars);
    const verdicts = await new MetricVerdictSource(source).verdicts(req);
    expect(verdicts.map((v) => [v.guardrail, v.status])).toEqual([
      ['login-success', 'pass'],
      ['logout-loop', 'pass'],
      ['global-login-success', 'pass'],
      ['enrollment-integrity', 'pass'],
      ['exposure-balance', 'pass'],
      ['p99', 'pass'],
    ]);
    for (const c of source.countCalls) {
      // srm counts from its settle time (default 1m) after the step start, the others from the start.
      const settle = c.q.metric === 'flag_exposures_total' ? 60_000 : 0;
      expect(c.since).toEqual(new Date(req.stepStartedAt.getTime() + settle));
      expect(c.until).toEqual(req.now);
      expect(c.q.variant).toEqual({ label: 'mfa', treatment: 'on', control: 'off' });
    }
    expect(source.countCalls[0]?.q).toMatchObject({
      metric: 'login_attempts_total',
      matchers: { app: 'login', region: 'eu', result: 'success' },
    });
    expect(source.scalarCalls).toEqual([
      {
        q: {
          kind: 'ratio',
          metric: 'login_attempts_total',
          good: { result: 'success' },
          matchers: { app: 'login' },
        },
        windowMs: 300_000,
        at: req.now,
      },
      {
        q: { kind: 'promql', query: 'p99_latency_seconds', rollout: 'mfa-staff' },
        windowMs: 120_000,
        at: req.now,
      },
    ]);
  });

  it('fails a broken treatment and a zero-tolerance counter from source data', async () => {
    const broken = {
      ...healthy,
      [K('login_attempts_total', { app: 'login', region: 'eu', result: 'success' })]: counts(0, 9700),
      [K('mfa_enrollment_owner_mismatch_total', { app: 'login' })]: counts(0, 0, { '': 1 }),
    };
    const verdicts = await new MetricVerdictSource(new FakeMetricSource(broken, scalars)).verdicts(req);
    expect(verdicts[0]?.status).toBe('fail');
    expect(verdicts[0]?.reason).toMatch(
      /^login-success: treatment 0\.000 \(n=100\) vs control 0\.980 \(n=9900\)/,
    );
    // The unlabelled mismatch is counted (zero sees every user) and named in the reason.
    expect(verdicts[3]?.status).toBe('fail');
    expect(verdicts[3]?.reason).toContain(
      'unknown variant values: ""=1 in mfa_enrollment_owner_mismatch_total',
    );
  });

  it('reports unknown variant values without dropping the verdict', async () => {
    const odd = {
      ...healthy,
      [K('flag_exposures_total', { app: 'login' })]: counts(100, 9900, { treatment: 40 }),
    };
    const verdicts = await new MetricVerdictSource(new FakeMetricSource(odd, scalars)).verdicts(req);
    expect(verdicts[4]?.status).toBe('pass');
    expect(verdicts[4]?.reason).toMatch(/; unknown variant values: "treatment"=40 in flag_exposures_total$/);
  });

  it('turns NoData into inconclusive and thrown errors into error verdicts, never throwing', async () => {
    const flaky = {
      ...healthy,
      [K('logouts_total', { app: 'login' })]: new Error('connect ECONNREFUSED 127.0.0.1:9090'),
      [K('flag_exposures_total', { app: 'login' })]: { kind: 'no-data', reason: 'target down' } as NoData,
    };
    const verdicts = await new MetricVerdictSource(new FakeMetricSource(flaky, {})).verdicts(req);
    expect(verdicts.map((v) => v.status)).toEqual([
      'pass',
      'error',
      'inconclusive',
      'pass',
      'inconclusive',
      'inconclusive',
    ]);
    expect(verdicts[1]?.reason).toContain('Error: connect ECONNREFUSED 127.0.0.1:9090');
    expect(verdicts[4]?.reason).toContain('target down');
    expect(verdicts[2]?.reason).toContain('no series login_attempts_total{app=login}');
  });

  it('reports a guardrail whose queries cannot be built as an error', async () => {
    const bad = {
      ...spec,
      guardrails: [{ ...spec.guardrails[2], threshold: { min: 0.9, window: 1, minEvents: 1 } }],
    };
    const verdicts = await new MetricVerdictSource(new FakeMetricSource(healthy, scalars)).verdicts({
      ...req,
      spec: bad as RolloutSpec,
    });
    expect(verdicts).toHaveLength(1);
    expect(verdicts[0]?.status).toBe('error');
    expect(verdicts[0]?.reason).toContain('threshold needs either ratio or scalar');
  });

  it('runs the queries of one rollout concurrently', async () => {
    const source = new FakeMetricSource(healthy, scalars);
    source.held = true;
    const pending = new MetricVerdictSource(source).verdicts(req);
    await new Promise((next) => setImmediate(next));
    // compare 2 + rate 2 + zero 1 + srm 1 counts, threshold 1 + promql 1 scalars: all in flight at once.
    expect(source.pending).toBe(8);
    source.release();
    expect(await pending).toHaveLength(6);
  });

  describe('cumulative tests over the run', () => {
    const t = (m: number) => new Date(req.stepStartedAt.getTime() + m * 60_000);
    // Steps 1 % and 5 % before the current 25 % step, which started at req.stepStartedAt.
    const runReq: VerdictRequest = {
      ...req,
      stepIndex: 2,
      percentage: 25,
      stepStarts: [
        { stepIndex: 0, percentage: 1, at: t(-30) },
        { stepIndex: 1, percentage: 5, at: t(-15) },
        { stepIndex: 2, percentage: 25, at: t(0) },
      ],
    };
    const windows = (source: FakeMetricSource, metric: string) =>
      source.countCalls
        .filter((c) => c.q.metric === metric && !('result' in c.q.matchers))
        .map((c) => [c.since.toISOString(), c.until.toISOString()]);

    it('asks compare and rate for every earlier step window, srm per step, zero since the run start', async () => {
      const source = new FakeMetricSource(healthy, scalars);
      const verdicts = await new MetricVerdictSource(source).verdicts(runReq);
      expect(verdicts[0]?.evidence.strata).toBe(3);
      expect(verdicts[0]?.reason).toContain('over 3 step(s)');
      expect(verdicts[1]?.evidence.strata).toBe(3);
      const iso = (m: number) => t(m).toISOString();
      const now = runReq.now.toISOString();
      // compare's total and rate's per share the metric; each asks the current step and both earlier windows.
      expect(windows(source, 'login_attempts_total').sort()).toEqual(
        [
          [iso(0), now],
          [iso(0), now],
          [iso(-30), iso(-15)],
          [iso(-30), iso(-15)],
          [iso(-15), iso(0)],
          [iso(-15), iso(0)],
        ].sort(),
      );
      expect(windows(source, 'flag_exposures_total')).toEqual([[iso(1), now]]);
      expect(windows(source, 'mfa_enrollment_owner_mismatch_total')).toEqual([[iso(-30), now]]);
    });

    it('caches closed windows, so later ticks ask only for the current step', async () => {
      const source = new FakeMetricSource(healthy, scalars);
      const verdictSource = new MetricVerdictSource(source);
      await verdictSource.verdicts(runReq);
      const first = source.countCalls.length;
      const cached = await verdictSource.verdicts({
        ...runReq,
        now: new Date(runReq.now.getTime() + 10_000),
      });
      // compare 2 + rate 2 + zero 1 + srm 1 for the current window only.
      expect(source.countCalls.length - first).toBe(6);
      // compare's total and rate's per are the same query: each still gets its cached strata.
      expect(cached.slice(0, 2).map((v) => [v.status, v.evidence.strata])).toEqual([
        ['pass', 3],
        ['pass', 3],
      ]);
      // A new run (a person resumed) drops the cache and asks again.
      const resumed = { ...runReq, stepStarts: [{ stepIndex: 2, percentage: 25, at: runReq.stepStartedAt }] };
      const before = source.countCalls.length;
      const v = await verdictSource.verdicts(resumed);
      expect(source.countCalls.length - before).toBe(6);
      expect(v[0]?.evidence.strata).toBe(1);
    });

    it('does not cache a window that could not be measured', async () => {
      const source = new FakeMetricSource(
        { ...healthy, [K('logouts_total', { app: 'login' })]: { kind: 'no-data', reason: 'gap' } as NoData },
        scalars,
      );
      const verdictSource = new MetricVerdictSource(source);
      await verdictSource.verdicts(runReq);
      const first = source.countCalls.length;
      await verdictSource.verdicts(runReq);
      const logouts = source.countCalls.slice(first).filter((c) => c.q.metric === 'logouts_total');
      expect(logouts).toHaveLength(3);
    });

    it('does not judge srm during its settle time', async () => {
      const source = new FakeMetricSource(healthy, scalars);
      const early = { ...runReq, now: new Date(runReq.stepStartedAt.getTime() + 30_000) };
      const verdicts = await new MetricVerdictSource(source).verdicts(early);
      expect(verdicts[4]?.status).toBe('inconclusive');
      expect(verdicts[4]?.reason).toBe('exposure-balance: settling after the step change');
      expect(source.countCalls.some((c) => c.q.metric === 'flag_exposures_total')).toBe(false);
    });
  });
});
