import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { restrictedProportions } from '../../../src/analysis/farrington-manning.js';

/** The restricted MLE by brute force: the log-likelihood on a fine grid of p_T with p_C = p_T - d. */
function gridMle(pT: number, nT: number, pC: number, nC: number, d: number): number {
  const ll = (x: number, p: number, n: number) =>
    (x > 0 ? x * n * Math.log(Math.max(p, 1e-300)) : 0) +
    (x < 1 ? (1 - x) * n * Math.log(Math.max(1 - p, 1e-300)) : 0);
  const lo = Math.max(0, d);
  const hi = Math.min(1, 1 + d);
  let best = Number.NEGATIVE_INFINITY;
  let arg = lo;
  const steps = 20_000;
  for (let i = 0; i <= steps; i++) {
    const t = lo + ((hi - lo) * i) / steps;
    const l = ll(pT, t, nT) + ll(pC, t - d, nC);
    if (l > best) {
      best = l;
      arg = t;
    }
  }
  return arg;
}

describe('restrictedProportions (Farrington-Manning)', () => {
  it('agrees with a brute-force maximum of the likelihood under the constraint', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 5000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 50_000 }),
        fc.double({ min: -0.5, max: -0.001, noNaN: true }),
        (pT, nT, pC, nC, d) => {
          const r = restrictedProportions(pT, nT, pC, nC, d);
          expect(r.treatment - r.control).toBeCloseTo(d, 12);
          expect(r.treatment).toBeGreaterThanOrEqual(0);
          expect(r.control).toBeLessThanOrEqual(1);
          expect(Math.abs(r.treatment - gridMle(pT, nT, pC, nC, d))).toBeLessThan(2e-4);
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });

  it('puts a harmed treatment arm at the margin: 0.905 vs 0.985 under a 0.05 margin is 0.935', () => {
    const r = restrictedProportions(0.905, 500, 0.985, 50_000, -0.05);
    expect(r.treatment).toBeCloseTo(0.935, 3);
    expect(r.control).toBeCloseTo(0.985, 3);
  });
});
