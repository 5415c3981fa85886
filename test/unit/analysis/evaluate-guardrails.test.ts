import { describe, expect, it } from 'vitest';
import { ALPHA_RULE, alphaPerTest, describeAlphaSplit, spendsAlpha } from '../../../src/analysis/alpha.js';
import { evaluateGuardrails } from '../../../src/analysis/evaluate-guardrails.js';
import type { GuardrailInput } from '../../../src/analysis/guardrail-input.js';
import { plannedSamples } from '../../../src/analysis/planned-sample.js';
import { rolloutSpecSchema } from '../../../src/spec/rollout-spec-schema.js';
import { arms, ok } from './guardrail-fixtures.js';

const spec = rolloutSpecSchema.parse({
  apiVersion: 'rampart/v1',
  kind: 'Rollout',
  name: 'mfa-staff',
  flag: { backend: 'unleash', name: 'mfa-staff-login' },
  steps: [1, 5, 25, 50, 100],
  guardrails: [
    {
      name: 'login-success',
      compare: { metric: 'login_attempts_total', good: { result: 'success' }, maxDrop: 0.05 },
    },
    { name: 'logout-loop', rate: { events: 'logouts_total', per: 'login_attempts_total', maxRatio: 1.5 } },
    {
      name: 'global-login-success',
      threshold: { ratio: { metric: 'login_attempts_total', good: { result: 'success' } }, min: 0.9 },
    },
    { name: 'enrollment-integrity', zero: { metric: 'mfa_enrollment_owner_mismatch_total' } },
    { name: 'exposure-balance', srm: { metric: 'flag_exposures_total' } },
  ],
});

describe('alpha split', () => {
  it('gives each compare/rate test (one sequence over the whole run) an equal Bonferroni share', () => {
    expect(alphaPerTest(spec)).toBeCloseTo(0.01 / 2, 15);
    expect(describeAlphaSplit(spec)).toBe(
      "alpha 0.01 over 2 statistical guardrail(s): 0.005 per test, each one confidence sequence over the run's 4 step(s) below 100 %",
    );
    expect(ALPHA_RULE).toContain('Bonferroni');
    expect(['zero', 'threshold', 'promql', 'srm'].some((k) => spendsAlpha(k as never))).toBe(false);
  });

  it('does not divide by zero for a spec without statistical guardrails or comparative steps', () => {
    expect(alphaPerTest({ ...spec, steps: [100] })).toBeCloseTo(0.005, 15);
    expect(alphaPerTest({ ...spec, guardrails: [] })).toBeCloseTo(0.01, 15);
  });

  it('plans N* from minSamples with a floor', () => {
    expect(plannedSamples(spec)).toBe(200);
    expect(plannedSamples({ minSamples: 0 })).toBe(100);
    expect(plannedSamples({ minSamples: 5000 })).toBe(5000);
  });
});

describe('evaluateGuardrails', () => {
  it('returns one verdict per guardrail in spec order, each judged on its own input', () => {
    const inputs: GuardrailInput[] = [
      { kind: 'compare', good: arms(0, 985), total: arms(10, 1000) },
      { kind: 'rate', events: arms(2, 200), per: arms(10, 1000) },
      { kind: 'threshold', value: ok(0.97), events: ok(1010) },
      { kind: 'zero', increase: ok(0) },
      { kind: 'srm', exposures: arms(10, 1000) },
    ];
    const verdicts = evaluateGuardrails(spec, inputs, { stepIndex: 0, percentage: 1 });
    expect(verdicts.map((v) => [v.guardrail, v.status])).toEqual([
      ['login-success', 'fail'],
      ['logout-loop', 'pass'],
      ['global-login-success', 'pass'],
      ['enrollment-integrity', 'pass'],
      ['exposure-balance', 'pass'],
    ]);
    expect(verdicts[0]?.evidence.alpha).toBeCloseTo(0.005, 15);
  });

  it('reports a missing input as an error verdict instead of throwing', () => {
    const verdicts = evaluateGuardrails(spec, [], { stepIndex: 1, percentage: 5 });
    expect(verdicts).toHaveLength(5);
    expect(verdicts.every((v) => v.status === 'error')).toBe(true);
  });
});
