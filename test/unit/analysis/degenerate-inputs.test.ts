import { describe, expect, it } from 'vitest';
import { evaluateCompare } from '../../../src/analysis/evaluate-compare.js';
import { evaluateRate } from '../../../src/analysis/evaluate-rate.js';
import { evaluateSrm } from '../../../src/analysis/evaluate-srm.js';
import { evaluatePromql, evaluateThreshold } from '../../../src/analysis/evaluate-threshold.js';
import { evaluateZero } from '../../../src/analysis/evaluate-zero.js';
import type { GuardrailInput, Measured } from '../../../src/analysis/guardrail-input.js';
import type { Judgement } from '../../../src/analysis/verdict.js';
import { evaluateGuardrail } from '../../../src/guardrails/evaluate-guardrails.js';
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

const BAD_NUMBERS = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, -0.5];
const NO_DATA: Measured<never> = { status: 'no-data', reason: 'series login_attempts_total not found' };
const ERROR: Measured<never> = { status: 'error', reason: 'prometheus: connect ECONNREFUSED' };

function judged(v: Judgement): void {
  expect(['inconclusive', 'error']).toContain(v.status);
  expect(v.reason.length).toBeGreaterThan(v.guardrail.length + 2);
}

/** Every evaluator with one measured value replaced by `m`. */
function everyKind(m: Measured<number>): Judgement[] {
  const counts = (t: number, c: number) => ({ status: 'ok' as const, value: { treatment: t, control: c } });
  const asArms = (which: 'treatment' | 'control') =>
    m.status === 'ok'
      ? counts(which === 'treatment' ? m.value : 100, which === 'control' ? m.value : 100)
      : m;
  return [
    evaluateCompare(
      compareG,
      { kind: 'compare', good: asArms('treatment'), total: arms(100, 100) },
      step(5),
      ALPHA,
    ),
    evaluateCompare(
      compareG,
      { kind: 'compare', good: arms(90, 90), total: asArms('control') },
      step(5),
      ALPHA,
    ),
    evaluateRate(rateG, { kind: 'rate', events: asArms('treatment'), per: arms(100, 100) }, step(5), ALPHA),
    evaluateRate(rateG, { kind: 'rate', events: arms(10, 10), per: asArms('control') }, step(5), ALPHA),
    evaluateZero(zeroG, { kind: 'zero', increase: m }),
    evaluateSrm(srmG, { kind: 'srm', exposures: asArms('treatment') }, step(5)),
    evaluateThreshold(thresholdG, { kind: 'threshold', value: ok(0.95), events: m }),
  ];
}

describe('degenerate inputs never fail and never throw', () => {
  it.each(BAD_NUMBERS)('a metric source value of %s', (x) => {
    for (const v of everyKind(ok(x))) judged(v);
  });

  it('NaN is an error (broken source), a negative count an inconclusive counter reset', () => {
    const [nan] = everyKind(ok(Number.NaN));
    expect(nan?.status).toBe('error');
    expect(nan?.reason).toContain('NaN');
    const [neg] = everyKind(ok(-3));
    expect(neg?.status).toBe('inconclusive');
    expect(neg?.reason).toContain('counter went backwards (reset?)');
  });

  it('no data holds (inconclusive) with the reason; a source error is an error', () => {
    for (const v of everyKind(NO_DATA)) {
      expect(v.status).toBe('inconclusive');
      expect(v.reason).toContain('series login_attempts_total not found');
    }
    for (const v of everyKind(ERROR)) {
      expect(v.status).toBe('error');
      expect(v.reason).toContain('ECONNREFUSED');
    }
    expect(evaluatePromql(promqlG, { kind: 'promql', value: NO_DATA }).status).toBe('inconclusive');
    expect(evaluatePromql(promqlG, { kind: 'promql', value: ERROR }).status).toBe('error');
    expect(evaluateThreshold(thresholdG, { kind: 'threshold', value: NO_DATA, events: ok(100) }).status).toBe(
      'inconclusive',
    );
  });

  it('zero counts everywhere are inconclusive', () => {
    judged(
      evaluateCompare(compareG, { kind: 'compare', good: arms(0, 0), total: arms(0, 0) }, step(5), ALPHA),
    );
    judged(evaluateRate(rateG, { kind: 'rate', events: arms(0, 0), per: arms(0, 0) }, step(5), ALPHA));
    judged(evaluateSrm(srmG, { kind: 'srm', exposures: arms(0, 0) }, step(5)));
    judged(evaluateThreshold(thresholdG, { kind: 'threshold', value: ok(Number.NaN), events: ok(0) }));
  });

  it('an empty control arm at 100 % is inconclusive for the comparisons, never fail', () => {
    judged(
      evaluateCompare(compareG, { kind: 'compare', good: arms(0, 0), total: arms(500, 0) }, step(100), ALPHA),
    );
    judged(evaluateRate(rateG, { kind: 'rate', events: arms(9000, 0), per: arms(500, 0) }, step(100), ALPHA));
  });

  it('good above total is an error, a rounding hair above is clamped', () => {
    const bad = evaluateCompare(
      compareG,
      { kind: 'compare', good: arms(120, 90), total: arms(100, 100) },
      step(5),
      ALPHA,
    );
    expect(bad.status).toBe('error');
    expect(bad.reason).toContain('good 120 exceeds total 100');
    const hair = evaluateCompare(
      compareG,
      { kind: 'compare', good: arms(100.00000001, 98), total: arms(100, 100) },
      step(5),
      ALPHA,
    );
    expect(hair.status).toBe('pass');
  });

  it('threshold and promql: NaN holds, infinities and impossible ratios are errors', () => {
    expect(evaluatePromql(promqlG, { kind: 'promql', value: ok(Number.NaN) }).status).toBe('inconclusive');
    expect(evaluatePromql(promqlG, { kind: 'promql', value: ok(Number.POSITIVE_INFINITY) }).status).toBe(
      'error',
    );
    expect(evaluateThreshold(thresholdG, { kind: 'threshold', value: ok(1.7), events: ok(100) }).status).toBe(
      'error',
    );
    expect(
      evaluateThreshold(thresholdG, { kind: 'threshold', value: ok(-0.1), events: ok(100) }).status,
    ).toBe('error');
  });

  it('an unusable alpha share is an error, not a crash', () => {
    for (const a of [0, -0.1, 0.5, Number.NaN]) {
      const v = evaluateCompare(
        compareG,
        { kind: 'compare', good: arms(0, 99), total: arms(50, 100) },
        step(5),
        a,
      );
      expect(v.status).toBe('error');
      expect(v.reason).toContain('alpha share');
    }
  });

  it('a missing or mismatched input is an error verdict', () => {
    expect(evaluateGuardrail(zeroG, undefined, step(5), ALPHA).status).toBe('error');
    const wrong: GuardrailInput = { kind: 'srm', exposures: arms(1, 1) };
    const v = evaluateGuardrail(zeroG, wrong, step(5), ALPHA);
    expect(v.status).toBe('error');
    expect(v.reason).toContain('input of kind srm given to a zero guardrail');
  });
});
