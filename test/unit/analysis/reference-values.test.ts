import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chiSquare1Sf } from '../../../src/analysis/chi-square.js';
import { stratifiedCompareUpper } from '../../../src/analysis/compare-wald.js';
import { csMultiplier } from '../../../src/analysis/confidence-sequence.js';
import { srmStatistic } from '../../../src/analysis/evaluate-srm.js';
import { sprtExpectedSampleSize } from '../../../src/analysis/sprt.js';

// Computed by test/fixtures/analysis/reference-values.py (see the README there for how).
interface Reference {
  csMultiplier: { n: number; plannedN: number; alpha: number; value: number }[];
  compareUpper: {
    goodT: number;
    totalT: number;
    goodC: number;
    totalC: number;
    plannedN: number;
    alpha: number;
    value: number;
  }[];
  srm: { treatment: number; control: number; share: number; pValue: number }[];
  sprt: { p0: number; p1: number; alpha: number; power: number; underH1: number; underH0: number | null }[];
}

const ref = JSON.parse(
  readFileSync(new URL('../../fixtures/analysis/reference-values.json', import.meta.url), 'utf8'),
) as Reference;

describe('reference values', () => {
  it.each(ref.csMultiplier)('confidence-sequence multiplier n=$n N*=$plannedN a=$alpha', (r) => {
    expect(csMultiplier(r.n, r.plannedN, r.alpha)).toBeCloseTo(r.value, 9);
  });

  it.each(ref.compareUpper)('compare upper bound $goodT/$totalT vs $goodC/$totalC', (r) => {
    const b = stratifiedCompareUpper(
      [{ goodTreatment: r.goodT, totalTreatment: r.totalT, goodControl: r.goodC, totalControl: r.totalC }],
      r.plannedN,
      r.alpha,
    );
    expect(b?.upper).toBeCloseTo(r.value, 9);
  });

  it.each(ref.srm)('chi-square p of $treatment vs $control at share $share (scipy)', (r) => {
    const { pValue } = srmStatistic(r.treatment, r.control, r.share, 200, 0.001);
    // erfc fit: relative error < 1.2e-7
    expect(Math.abs(pValue - r.pValue)).toBeLessThanOrEqual(2e-7 * r.pValue + 1e-15);
  });

  it('chi-square survival function at textbook quantiles', () => {
    // Tables: chi2(1) critical values 3.841459 (p 0.05), 6.634897 (0.01), 10.827566 (0.001).
    expect(chiSquare1Sf(3.841459)).toBeCloseTo(0.05, 6);
    expect(chiSquare1Sf(6.634897)).toBeCloseTo(0.01, 6);
    expect(chiSquare1Sf(10.827566)).toBeCloseTo(0.001, 7);
    expect(chiSquare1Sf(0)).toBe(1);
  });

  it.each(ref.sprt)('Wald SPRT expected sample number p0=$p0 p1=$p1', (r) => {
    const s = sprtExpectedSampleSize({ p0: r.p0, p1: r.p1, alpha: r.alpha, power: r.power });
    expect(s.underH1).toBeCloseTo(r.underH1, 9);
    if (r.underH0 === null) expect(s.underH0).toBeUndefined();
    else expect(s.underH0).toBeCloseTo(r.underH0, 9);
  });
});
