import { describe, expect, it } from 'vitest';
import { evaluateSrm } from '../../../src/analysis/evaluate-srm.js';
import { srmLogEValue } from '../../../src/analysis/srm-evalue.js';
import { type GuardrailOf, guardrailSchema } from '../../../src/rollout-spec/rollout-spec-schema.js';
import { arms, step } from './guardrail-fixtures.js';

const usersSrm = guardrailSchema.parse({
  name: 'exposure-balance',
  srm: { metric: 'flag_exposed_users_total', method: 'e-value' },
}) as GuardrailOf<'srm'>;

describe('srm e-value on distinct users', () => {
  it('is 1 before any user and the exact beta-binomial ratio after', () => {
    expect(srmLogEValue(0, 0, 0.05)).toBeCloseTo(0, 12);
    // One user in treatment: E = (prior mean) / p = 1; one in control: (1 - mean) / (1 - p) = 1.
    expect(srmLogEValue(1, 1, 0.05)).toBeCloseTo(0, 10);
    expect(srmLogEValue(0, 1, 0.05)).toBeCloseTo(0, 10);
    // Two treatment users of two at p = 0.5, c = 100: (50 * 51 / (100 * 101)) / 0.25.
    expect(Math.exp(srmLogEValue(2, 2, 0.5))).toBeCloseTo((50 * 51) / (100 * 101) / 0.25, 10);
  });

  it('passes the realised share of a small staff population and holds nothing for a minimum count', () => {
    // 1 % of 300 staff: 1 user instead of 3 is no mismatch, and no "too few" hold either.
    const v = evaluateSrm(usersSrm, { kind: 'srm', exposures: arms(1, 299) }, step(1));
    expect(v.status).toBe('pass');
    expect(v.reason).toContain('treatment share 0.003 of 300 exposed users vs 0.010 configured');
    expect(evaluateSrm(usersSrm, { kind: 'srm', exposures: arms(9, 291) }, step(5)).status).toBe('pass');
  });

  it('pauses on a treatment arm that loses its users', () => {
    const v = evaluateSrm(usersSrm, { kind: 'srm', exposures: arms(0, 600) }, step(5));
    expect(v.status).toBe('fail');
    expect(v.reason).toMatch(/e-value [0-9.e+]+ >= 1000: sample ratio mismatch/);
  });
});
