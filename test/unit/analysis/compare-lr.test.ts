import { describe, expect, it } from 'vitest';
import { lrCompareCrosses, lrCompareUpper } from '../../../src/analysis/compare-lr.js';
import { stratifiedCompareUpper } from '../../../src/analysis/compare-wald.js';
import { csMultiplier } from '../../../src/analysis/confidence-sequence.js';

/**
 * The binomial likelihood-ratio interval of one proportion by brute force: every p on a fine grid
 * whose log-likelihood is within m^2 / 2 of the maximum. With a control arm of ten million logins
 * the control rate is known, so the bound of the difference is this interval's upper end minus it.
 */
function gridUpper(x: number, n: number, drop: number): number {
  const ll = (p: number) => x * Math.log(p) + (n - x) * Math.log(1 - p);
  const top = ll(x / n);
  let upper = x / n;
  for (let i = 1; i < 1_000_000; i++) {
    const p = i / 1_000_000;
    if (p > x / n && top - ll(p) <= drop) upper = p;
  }
  return upper;
}

describe('lrCompareUpper (likelihood-ratio confidence sequence)', () => {
  it('is the binomial likelihood-ratio bound when the control rate is known', () => {
    for (const [good, total] of [
      [90, 100],
      [450, 500],
      [3, 10],
    ] as const) {
      const control = { good: 9_850_000, total: 10_000_000 };
      const b = lrCompareUpper(
        [
          {
            goodTreatment: good,
            totalTreatment: total,
            goodControl: control.good,
            totalControl: control.total,
          },
        ],
        200,
        0.005,
        -0.05,
      );
      const m = csMultiplier(total, 200, 0.005);
      // Pseudo counts: one success and one failure per arm.
      const pC = (control.good + 1) / (control.total + 2);
      expect(b?.upper).toBeCloseTo(gridUpper(good + 1, total + 2, (m * m) / 2) - pC, 4);
    }
  });

  it('is close to the normal (Wald) bound when failures are not rare and samples are large', () => {
    const counts = [
      { goodTreatment: 24_000, totalTreatment: 40_000, goodControl: 25_000, totalControl: 40_000 },
    ];
    const lr = lrCompareUpper(counts, 200, 0.005, -0.05);
    const wald = stratifiedCompareUpper(counts, 200, 0.005);
    expect(lr?.upper).toBeCloseTo(wald?.upper ?? 0, 3);
  });

  it('is tighter than the Wald bound for a harmed arm with rare failures, where Wald is slow', () => {
    // mfa-drop-5pp at the 25 % step: 0.905 vs 0.985, 0.03 beyond the margin of 0.05.
    const counts = [{ goodTreatment: 1177, totalTreatment: 1300, goodControl: 3842, totalControl: 3900 }];
    const lr = lrCompareUpper(counts, 800, 0.00375, -0.05);
    const wald = stratifiedCompareUpper(counts, 800, 0.00375);
    if (lr === undefined || wald === undefined) throw new Error('both arms are non-empty');
    expect(lr.upper).toBeLessThan(-0.05);
    expect(wald.upper).toBeGreaterThan(-0.05);
    expect(lrCompareCrosses(counts, 800, 0.00375, -0.05)).toBe(true);
  });

  it('estimates one common difference over strata with different base rates (no Simpson pooling)', () => {
    const night = { goodTreatment: 97, totalTreatment: 100, goodControl: 9_702, totalControl: 9_900 };
    const day = { goodTreatment: 4_250, totalTreatment: 5_000, goodControl: 4_500, totalControl: 5_000 };
    const b = lrCompareUpper([night, day], 800, 0.005, -0.05);
    expect(b?.strata).toBe(2);
    // Per stratum: -0.01 at night, -0.05 by day; the common estimate sits between, near the larger stratum.
    expect(b?.estimate).toBeGreaterThan(-0.05);
    expect(b?.estimate).toBeLessThan(-0.03);
  });

  it('decides as its bound says, with or without computing the bound, on either side of it', () => {
    const counts = [
      { goodTreatment: 180, totalTreatment: 200, goodControl: 19_700, totalControl: 20_000 },
      { goodTreatment: 900, totalTreatment: 1_000, goodControl: 3_940, totalControl: 4_000 },
    ];
    const b = lrCompareUpper(counts, 800, 0.00375, -0.05);
    if (b === undefined) throw new Error('both arms are non-empty');
    expect(lrCompareCrosses(counts, 800, 0.00375, b.upper + 1e-6)).toBe(true);
    expect(lrCompareCrosses(counts, 800, 0.00375, b.upper - 1e-6)).toBe(false);
    expect(lrCompareUpper(counts, 800, 0.00375, b.upper + 1e-6)?.crosses).toBe(true);
    expect(lrCompareUpper(counts, 800, 0.00375, b.upper - 1e-6)?.crosses).toBe(false);
  });

  it('skips strata with an empty arm and is undefined when none is left', () => {
    const empty = { goodTreatment: 0, totalTreatment: 0, goodControl: 90, totalControl: 100 };
    expect(lrCompareUpper([empty], 200, 0.005, -0.05)).toBeUndefined();
    expect(lrCompareCrosses([empty], 200, 0.005, -0.05)).toBeUndefined();
  });
});
