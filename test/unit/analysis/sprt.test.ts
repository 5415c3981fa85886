import { describe, expect, it } from 'vitest';
import { bernoulliKl, sprtExpectedSampleSize } from '../../../src/analysis/sprt.js';
import { mulberry32 } from '../../support/seeded-random.js';

describe('sprtExpectedSampleSize', () => {
  it('matches a simulated SPRT up to the overshoot Wald ignores', () => {
    const input = { p0: 0.5, p1: 0.6, alpha: 0.05, power: 0.8 };
    const wald = sprtExpectedSampleSize(input);
    const rand = mulberry32(7);
    const up = Math.log(0.6 / 0.5);
    const down = Math.log(0.4 / 0.5);
    let total = 0;
    let rejected = 0;
    const runs = 4000;
    for (let r = 0; r < runs; r++) {
      let llr = 0;
      let n = 0;
      while (llr < wald.upper && llr > wald.lower) {
        llr += rand() < input.p1 ? up : down;
        n++;
      }
      total += n;
      if (llr >= wald.upper) rejected++;
    }
    const mean = total / runs;
    // Overshoot makes the real test a little longer and a little more powerful than Wald's formulas.
    expect(mean).toBeGreaterThan(wald.underH1 * 0.95);
    expect(mean).toBeLessThan(wald.underH1 * 1.3);
    expect(rejected / runs).toBeGreaterThan(0.77);
  });

  it('needs fewer observations for a bigger effect and for a laxer alpha', () => {
    const small = sprtExpectedSampleSize({ p0: 0.985, p1: 0.935, alpha: 0.001, power: 0.8 }).underH1;
    const big = sprtExpectedSampleSize({ p0: 0.985, p1: 0.885, alpha: 0.001, power: 0.8 }).underH1;
    const lax = sprtExpectedSampleSize({ p0: 0.985, p1: 0.885, alpha: 0.05, power: 0.8 }).underH1;
    expect(big).toBeLessThan(small);
    expect(lax).toBeLessThan(big);
  });

  it('gives a total outage a floor of about one login per nat of evidence', () => {
    // p1 = 0: every failure adds ln(1 / 0.015) = 4.2 nats; ln(0.8 / 0.001) = 6.68 nats are needed.
    const s = sprtExpectedSampleSize({ p0: 0.985, p1: 0, alpha: 0.001, power: 0.8 });
    expect(s.underH1).toBeCloseTo(
      (0.8 * Math.log(800) + 0.2 * Math.log(0.2 / 0.999)) / Math.log(1 / 0.015),
      12,
    );
    expect(s.underH0).toBeUndefined();
  });

  it('computes Bernoulli KL with 0 ln 0 = 0', () => {
    expect(bernoulliKl(0.5, 0.5)).toBe(0);
    expect(bernoulliKl(0, 0.5)).toBeCloseTo(Math.log(2), 12);
    expect(bernoulliKl(0.5, 0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('rejects parameters that have no test', () => {
    expect(() => sprtExpectedSampleSize({ p0: 0.5, p1: 0.5, alpha: 0.05, power: 0.8 })).toThrow(RangeError);
    expect(() => sprtExpectedSampleSize({ p0: 0.5, p1: 0.6, alpha: 0.9, power: 0.8 })).toThrow(RangeError);
    expect(() => sprtExpectedSampleSize({ p0: 1, p1: 0.6, alpha: 0.05, power: 0.8 })).toThrow(RangeError);
  });
});
