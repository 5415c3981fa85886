import { describe, expect, it } from 'vitest';
import { evaluateCompare } from '../../../src/analysis/evaluate-compare.js';
import { evaluateRate } from '../../../src/analysis/evaluate-rate.js';
import { evaluateSrm } from '../../../src/analysis/evaluate-srm.js';
import { arms, compareG, rateG, srmG, step } from './guardrail-fixtures.js';

/** The flagship share under the run-wide rule: 0.01 over 2 statistical guardrails. */
const ALPHA = 0.005;

function stratum(pT: number, nT: number, pC: number, nC: number) {
  return { good: arms(Math.round(pT * nT), Math.round(pC * nC)), total: arms(nT, nC) };
}

describe('compare over the run (one stratum per step)', () => {
  // mfa-drop-5pp: treatment 0.905 vs control 0.985, a drop of 0.08 where 0.05 is allowed.
  // A slow ramp: 600 treatment logins per step, none of which alone shows the excess harm of 0.03.
  const s1 = stratum(0.905, 600, 0.985, 59400);
  const s5 = stratum(0.905, 600, 0.985, 11400);
  const s25 = stratum(0.905, 600, 0.985, 1800);

  it('fails a moderate harm that no single step shows, and says over how many steps', () => {
    for (const s of [s1, s5, s25]) {
      const alone = evaluateCompare(compareG, { kind: 'compare', ...s }, step(25), ALPHA);
      expect(alone.status).toBe('pass');
    }
    const v = evaluateCompare(compareG, { kind: 'compare', ...s25, earlier: [s1, s5] }, step(25), ALPHA);
    expect(v.status).toBe('fail');
    expect(v.evidence.strata).toBe(3);
    expect(v.evidence.treatment?.n).toBe(600);
    expect(v.evidence.estimate).toBeCloseTo(-0.08, 2);
    expect(v.reason).toMatch(
      /^login-success: treatment 0\.905 \(n=600\) vs control 0\.985 \(n=1800\) this step; over 3 step\(s\) \(treatment n=1800\): difference -0\.0\d{2}, upper bound -0\.\d{3} < -0\.050; this step alone: difference -0\.08\d, upper bound -0\.0\d{2} >= -0\.050$/,
    );
  });

  it('does not pool raw counts: a base rate that drifts with the split is no harm (Simpson)', () => {
    // 1 % at night with base rate 0.99, 50 % by day with base rate 0.90, both arms equal in each.
    // Pooled, treatment 0.902 (mostly day) vs control 0.960 (mostly night) would look like -0.058.
    const night = stratum(0.99, 100, 0.99, 9900);
    const day = stratum(0.9, 5000, 0.9, 5000);
    const v = evaluateCompare(compareG, { kind: 'compare', ...day, earlier: [night] }, step(50), ALPHA);
    expect(v.status).toBe('pass');
    expect(v.evidence.estimate).toBeCloseTo(0, 2);
  });

  it('judges on earlier steps when the current one has no treatment event yet', () => {
    const bad = stratum(0, 20, 0.985, 1980);
    const v = evaluateCompare(
      compareG,
      { kind: 'compare', good: arms(0, 0), total: arms(0, 0), earlier: [bad] },
      step(5),
      ALPHA,
    );
    expect(v.status).toBe('fail');
    expect(v.reason).toContain('no treatment events this step; over 1 step(s)');
  });

  it('holds when an earlier step cannot be measured', () => {
    const v = evaluateCompare(
      compareG,
      {
        kind: 'compare',
        ...s25,
        earlier: [{ good: { status: 'no-data', reason: 'target down' }, total: arms(45, 4455) }],
      },
      step(25),
      ALPHA,
    );
    expect(v.status).toBe('inconclusive');
    expect(v.reason).toContain('(earlier step 1): target down');
  });
});

describe('rate over the run', () => {
  it('combines per-step log rate ratios', () => {
    // Logouts per login 0.4 vs 0.2 (ratio 2, maxRatio 1.5) in three small steps.
    const s = { events: arms(16, 200), per: arms(40, 1000) };
    const alone = evaluateRate(rateG, { kind: 'rate', ...s }, step(5), ALPHA);
    const v = evaluateRate(rateG, { kind: 'rate', ...s, earlier: [s, s, s, s] }, step(5), ALPHA);
    // Same ratio, five times the evidence: the lower bound moves up towards it.
    expect(v.evidence.bound).toBeGreaterThan((alone.evidence.bound ?? 0) + 0.3);
    expect(v.evidence.strata).toBe(5);
    expect(v.evidence.estimate).toBeCloseTo(2.06, 2);
    expect(v.reason).toContain(
      'this step; over 5 step(s) (treatment n=200): ratio 2.06, lower bound 1.32 <= 1.5; ' +
        'this step alone: ratio 2.06, lower bound 0.638 <= 1.5',
    );
  });
});

describe('srm settle', () => {
  it('is inconclusive until `settle` after the step change, then judges', () => {
    const input = { kind: 'srm' as const, exposures: arms(10, 1000) };
    const early = evaluateSrm(srmG, input, { ...step(5), sinceStepStartMs: 30_000 });
    expect(early.status).toBe('inconclusive');
    expect(early.reason).toBe('exposure-balance: settling after the step change');
    const later = evaluateSrm(srmG, input, { ...step(5), sinceStepStartMs: 61_000 });
    expect(later.status).toBe('fail');
  });
});

describe('current-step test beside the whole-run test', () => {
  // late-crash shape: healthy 1 %, 5 % and 25 % steps, then login success collapses at 50 %.
  const healthy = [
    stratum(0.955, 200, 0.985, 19800),
    stratum(0.955, 750, 0.985, 14250),
    stratum(0.955, 3750, 0.985, 11250),
  ];
  const late = stratum(0.5, 300, 0.985, 300);

  it('fails a fault that starts at a later step although the whole-run estimate is still diluted', () => {
    const v = evaluateCompare(compareG, { kind: 'compare', ...late, earlier: healthy }, step(50), ALPHA);
    expect(v.status).toBe('fail');
    expect(v.reason).toMatch(
      /upper bound -0\.0\d{2} >= -0\.050; this step alone: difference -0\.4\d{2}, upper bound -0\.\d{3} < -0\.050$/,
    );
    expect(v.evidence.strata).toBe(1);
  });

  it('spends half the share on the run and the rest over the steps: healthy strata never fail', () => {
    const v = evaluateCompare(
      compareG,
      { kind: 'compare', ...stratum(0.955, 3000, 0.985, 3000), earlier: healthy },
      step(50),
      ALPHA,
    );
    expect(v.status).toBe('pass');
    expect(v.reason).toContain('; this step alone: difference -0.030');
  });
});
