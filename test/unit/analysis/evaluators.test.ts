import { describe, expect, it } from 'vitest';
import { evaluateCompare } from '../../../src/analysis/evaluate-compare.js';
import { evaluateRate } from '../../../src/analysis/evaluate-rate.js';
import { evaluateSrm } from '../../../src/analysis/evaluate-srm.js';
import { evaluatePromql, evaluateThreshold, wilsonBounds } from '../../../src/analysis/evaluate-threshold.js';
import { evaluateZero } from '../../../src/analysis/evaluate-zero.js';
import { evaluateGuardrail } from '../../../src/guardrails/evaluate-guardrails.js';
import { guardrailSchema } from '../../../src/rollout-spec/rollout-spec-schema.js';
import {
  ALPHA,
  arms,
  compareG,
  ok,
  promqlG,
  rateG,
  srmG,
  step,
  thresholdG,
  zeroG,
} from './guardrail-fixtures.js';

describe('compare', () => {
  it('fails a clear drop with a reason a release manager can read', () => {
    const v = evaluateCompare(
      compareG,
      { kind: 'compare', good: arms(365, 38604), total: arms(412, 39880) },
      step(1),
      ALPHA,
    );
    expect(v.status).toBe('pass');
    // Through the registry, which adds what a fail asks for.
    const worse = evaluateGuardrail(
      compareG,
      { kind: 'compare', good: arms(330, 38604), total: arms(412, 39880) },
      step(1),
      ALPHA,
    );
    expect(worse.status).toBe('fail');
    expect(worse.onFail).toBe('rollback');
    expect(worse.reason).toMatch(
      /^login-success: treatment 0\.801 \(n=412\) vs control 0\.968 \(n=39880\), upper bound -0\.\d{3} < -0\.050$/,
    );
    expect(worse.evidence).toMatchObject({
      treatment: { n: 412, events: 330 },
      control: { n: 39880, events: 38604 },
      limit: -0.05,
      alpha: ALPHA,
    });
    expect(worse.evidence.bound).toBeLessThan(-0.05);
  });

  it('never rolls back on one or two unlucky logins, whatever alpha share and N*', () => {
    for (const alpha of [0.4, 0.1, 0.05, 0.01, 0.001, 1e-6]) {
      for (const plannedSamples of [100, 200, 1000, 100_000]) {
        for (const n of [1, 2]) {
          const v = evaluateCompare(
            compareG,
            { kind: 'compare', good: arms(0, 100_000), total: arms(n, 100_000) },
            {
              stepIndex: 0,
              percentage: 1,
              plannedSamples,
              plannedRunSamples: plannedSamples * 4,
              comparativeSteps: 4,
              nextStepRemovesControl: false,
            },
            alpha,
          );
          expect(v.status, `n=${n} alpha=${alpha} N*=${plannedSamples}`).toBe('pass');
        }
      }
    }
  });

  it('fails a total failure after a handful of treatment logins', () => {
    const at = (n: number) =>
      evaluateCompare(
        compareG,
        { kind: 'compare', good: arms(0, Math.round(0.98 * 99 * n)), total: arms(n, 99 * n) },
        step(1),
        ALPHA,
      ).status;
    expect(at(6)).toBe('pass');
    expect(at(7)).toBe('fail');
    expect(at(10)).toBe('fail');
  });

  it('is inconclusive without a control arm at 100 % or before any treatment event', () => {
    const full = evaluateCompare(
      compareG,
      { kind: 'compare', good: arms(90, 0), total: arms(100, 0) },
      step(100),
      ALPHA,
    );
    expect(full.status).toBe('inconclusive');
    expect(full.reason).toContain('no control arm at 100 %');
    const none = evaluateCompare(
      compareG,
      { kind: 'compare', good: arms(0, 90), total: arms(0, 100) },
      step(5),
      ALPHA,
    );
    expect(none.status).toBe('inconclusive');
    expect(none.reason).toContain('no treatment events');
  });
});

describe('rate', () => {
  it('fails a logout loop that a success share would not see', () => {
    const v = evaluateRate(
      rateG,
      { kind: 'rate', events: arms(60, 400), per: arms(20, 2000) },
      step(1),
      ALPHA,
    );
    expect(v.status).toBe('fail');
    expect(v.reason).toMatch(
      /^logout-loop: treatment 3 logouts_total\/login_attempts_total \(n=20\) vs control 0\.2 /,
    );
    expect(v.reason).toMatch(/lower bound [\d.]+ > 1\.5$/);
    expect(v.evidence.bound).toBeGreaterThan(1.5);
  });

  it('passes equal rates and a few unlucky logouts', () => {
    const same = evaluateRate(
      rateG,
      { kind: 'rate', events: arms(200, 2000), per: arms(1000, 10000) },
      step(10),
      ALPHA,
    );
    expect(same.status).toBe('pass');
    const few = evaluateRate(
      rateG,
      { kind: 'rate', events: arms(3, 2000), per: arms(1, 10000) },
      step(1),
      ALPHA,
    );
    expect(few.status).toBe('pass');
  });

  it('fails a rate well above maxRatio with enough data but passes one just above it', () => {
    const high = evaluateRate(
      rateG,
      { kind: 'rate', events: arms(800, 4000), per: arms(2000, 20000) },
      step(10),
      ALPHA,
    );
    expect(high.status).toBe('fail');
    const edge = evaluateRate(
      rateG,
      { kind: 'rate', events: arms(620, 4000), per: arms(2000, 20000) },
      step(10),
      ALPHA,
    );
    expect(edge.status).toBe('pass');
  });
});

describe('threshold and promql', () => {
  it('fails a global success ratio below min, with enough events', () => {
    const v = evaluateThreshold(thresholdG, { kind: 'threshold', value: ok(0.42), events: ok(900) });
    expect(v.status).toBe('fail');
    expect(v.reason).toBe('global-login-success: 0.42 (n=900) < min 0.9, upper bound 0.471');
    expect(v.evidence).toMatchObject({ estimate: 0.42, limit: 0.9 });
    expect(v.evidence.bound).toBeCloseTo(0.4714, 4);
    expect(
      evaluateThreshold(thresholdG, { kind: 'threshold', value: ok(0.97), events: ok(900) }).status,
    ).toBe('pass');
  });

  it('fails an outage at once: 0 of 50 has a Wilson upper bound of z²/(n+z²) = 0.1603 < 0.9', () => {
    const v = evaluateThreshold(thresholdG, { kind: 'threshold', value: ok(0), events: ok(50) });
    expect(v.status).toBe('fail');
    // Closed form for k = 0 at z = 3.09: 9.5481 / 59.5481.
    expect(v.evidence.bound).toBeCloseTo(9.5481 / 59.5481, 6);
  });

  it('holds, never fails, when a ratio is below min by chance (its upper bound still reaches min)', () => {
    const v = evaluateThreshold(thresholdG, { kind: 'threshold', value: ok(45 / 51), events: ok(51) });
    expect(v.status).toBe('inconclusive');
    expect(v.reason).toContain('below min 0.9, but not with confidence (upper bound');
    expect(wilsonBounds(45 / 51, 51).upper).toBeGreaterThan(0.9);
  });

  it('is inconclusive below minEvents', () => {
    const v = evaluateThreshold(thresholdG, { kind: 'threshold', value: ok(0.1), events: ok(12) });
    expect(v.status).toBe('inconclusive');
    expect(v.reason).toContain('only 12 events in the window, need 50');
  });

  it('judges a scalar without an event count against max', () => {
    const g = guardrailSchema.parse({
      name: 'errors',
      threshold: { scalar: { metric: 'http_requests_total', fn: 'rate' }, max: 5 },
    });
    if (g.kind !== 'threshold') throw new Error('fixture');
    expect(evaluateThreshold(g, { kind: 'threshold', value: ok(7.5), events: ok(undefined) }).status).toBe(
      'fail',
    );
    expect(evaluateThreshold(g, { kind: 'threshold', value: ok(-1), events: ok(undefined) }).status).toBe(
      'pass',
    );
  });

  it('judges a promql scalar within [min, max]', () => {
    const v = evaluatePromql(promqlG, { kind: 'promql', value: ok(0.8) });
    expect(v.status).toBe('fail');
    expect(v.reason).toBe('p99-latency: 0.8 > max 0.5');
    expect(evaluatePromql(promqlG, { kind: 'promql', value: ok(0.2) }).status).toBe('pass');
  });
});

describe('zero', () => {
  it('fails at the first increase and passes while the counter stands still', () => {
    const v = evaluateGuardrail(zeroG, { kind: 'zero', increase: ok(1) }, step(5), ALPHA);
    expect(v.status).toBe('fail');
    expect(v.onFail).toBe('rollback');
    expect(v.reason).toBe(
      'enrollment-integrity: mfa_enrollment_owner_mismatch_total increased by 1 since the rollout run started (must stay 0)',
    );
    expect(evaluateZero(zeroG, { kind: 'zero', increase: ok(0) }).status).toBe('pass');
  });
});

describe('srm', () => {
  it('pauses on a clear sample ratio mismatch', () => {
    const v = evaluateGuardrail(srmG, { kind: 'srm', exposures: arms(10, 990) }, step(5), ALPHA);
    expect(v.status).toBe('fail');
    expect(v.onFail).toBe('pause');
    expect(v.reason).toContain('treatment share 0.010 of 1000 exposures vs 0.050 configured');
    expect(v.reason).toContain('sample ratio mismatch, data untrustworthy');
    expect(v.evidence.pValue).toBeLessThan(1e-8);
  });

  it('passes a split within chance, and a mismatch a fixed-sample test would flag only once', () => {
    expect(evaluateSrm(srmG, { kind: 'srm', exposures: arms(40, 960) }, step(5)).status).toBe('pass');
    // p = 0.0037 at n = 1000: below a one-look 0.01, not an always-valid 0.001.
    expect(evaluateSrm(srmG, { kind: 'srm', exposures: arms(30, 970) }, step(5)).status).toBe('pass');
  });

  it('catches a treatment arm that gets no exposures at all', () => {
    expect(evaluateSrm(srmG, { kind: 'srm', exposures: arms(0, 2000) }, step(5)).status).toBe('fail');
  });

  it('never fails at 100 % (no control arm) and waits for enough exposures', () => {
    const full = evaluateSrm(srmG, { kind: 'srm', exposures: arms(5000, 0) }, step(100));
    expect(full.status).toBe('pass');
    expect(full.reason).toContain('100 % has one arm only');
    expect(evaluateSrm(srmG, { kind: 'srm', exposures: arms(4990, 10) }, step(100)).status).toBe(
      'inconclusive',
    );
    const few = evaluateSrm(srmG, { kind: 'srm', exposures: arms(0, 100) }, step(5));
    expect(few.status).toBe('inconclusive');
    expect(few.reason).toContain('fewer than 8 expected per arm');
  });
});
