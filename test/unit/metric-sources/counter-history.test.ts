import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  counterIncrease,
  pruneSamples,
  type Sample,
} from '../../../src/metric-sources/scrape/counter-history.js';

const series = (...vs: number[]): Sample[] => vs.map((v, i) => ({ t: (i + 1) * 10, v }));

describe('counterIncrease', () => {
  it('is the difference between the base at `since` and the last sample at `until`', () => {
    // t: 10 20 30 40 50
    const s = series(5, 7, 12, 20, 26);
    expect(counterIncrease(s, 20, 50)).toBe(19);
    expect(counterIncrease(s, 25, 45)).toBe(13); // base 7 (t=20), end 20 (t=40)
    expect(counterIncrease(s, 0, 100)).toBe(21); // history starts later: from the first sample
  });

  it.each([
    ['a restart to a lower value counts from 0', [10, 20, 5, 8], 18],
    ['a restart to 0', [10, 20, 0, 3], 13],
    ['two restarts', [100, 150, 3, 40, 1, 2], 50 + 3 + 37 + 1 + 1],
    ['a restart right after the base', [50, 4], 4],
    ['equal values are no reset', [7, 7, 7, 9], 2],
  ])('%s', (_name, values, expected) => {
    expect(counterIncrease(series(...values), 10, 1_000)).toBe(expected);
  });

  it('is undefined without any sample up to `until`, and 0 with only a base before `since`', () => {
    expect(counterIncrease([], 0, 100)).toBeUndefined();
    expect(counterIncrease(series(1, 2), 0, 5)).toBeUndefined();
    expect(counterIncrease(series(1, 2), 25, 100)).toBe(0);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1])(
    'is NaN when a sample in use is %s',
    (bad) => {
      expect(counterIncrease(series(1, bad, 3), 10, 30)).toBeNaN();
      expect(counterIncrease(series(bad, 2, 3), 10, 30)).toBeNaN(); // the base itself
    },
  );

  it('ignores invalid samples outside the range', () => {
    expect(counterIncrease(series(Number.NaN, 2, 3, 5), 20, 30)).toBe(1);
    expect(counterIncrease(series(1, 2, 3, -4), 10, 30)).toBe(2);
  });

  it('is never negative and adds up over adjacent ranges split at a sample', () => {
    const samples = fc.array(fc.nat({ max: 1_000 }), { minLength: 2, maxLength: 40 });
    fc.assert(
      fc.property(samples, fc.nat(), (values, cut) => {
        const s = series(...values);
        const mid = s[cut % s.length]?.t ?? 10;
        const whole = counterIncrease(s, 10, 10 * values.length) ?? 0;
        const left = counterIncrease(s, 10, mid) ?? 0;
        const right = counterIncrease(s, mid, 10 * values.length) ?? 0;
        expect(whole).toBeGreaterThanOrEqual(0);
        expect(left + right).toBe(whole);
      }),
    );
  });
});

describe('pruneSamples', () => {
  it('drops old samples but keeps the newest one before the cutoff as a base', () => {
    const s = series(1, 2, 3, 4, 5);
    pruneSamples(s, 35);
    expect(s.map((x) => x.t)).toEqual([30, 40, 50]);
    expect(counterIncrease(s, 35, 50)).toBe(2);
    pruneSamples(s, 1_000);
    expect(s).toEqual([{ t: 50, v: 5 }]);
  });
});
