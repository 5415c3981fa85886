import { describe, expect, it } from 'vitest';
import { fmtCount, fmtNumber, fmtShare } from '../../../src/analysis/format.js';

describe('number formats of verdict reasons', () => {
  it('shows counts as whole events (increase() extrapolates fractions)', () => {
    expect(fmtCount(604.8130841121496)).toBe('605');
    expect(fmtCount(20)).toBe('20');
    expect(fmtCount(0.4)).toBe('0');
  });

  it('shows other figures (ratios, bounds) to 3 significant digits', () => {
    expect(fmtNumber(2.0571)).toBe('2.06');
    expect(fmtNumber(0.63791)).toBe('0.638');
    expect(fmtNumber(1234.5)).toBe('1230');
    expect(fmtNumber(0)).toBe('0');
    expect(fmtNumber(12_345_678)).toBe('1.23e+7');
  });

  it('shows shares to 3 decimals', () => {
    expect(fmtShare(0.98234)).toBe('0.982');
  });
});
