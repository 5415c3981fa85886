import { describe, expect, it } from 'vitest';
import { counterIncrease } from '../../../src/metric-sources/scrape/counter-history.js';
import { matches, SeriesStore } from '../../../src/metric-sources/scrape/series-store.js';

const scrape = (store: SeriesStore, t: number, value: number, prev?: number) =>
  store.ingest('app', t, [{ name: 'x_total', labels: { variant: 'control' }, value }], prev);

describe('SeriesStore', () => {
  it('keeps a flat run as its first and last sample without changing any increase', () => {
    const store = new SeriesStore();
    const values = [1, 1, 1, 1, 1, 4, 4, 4, 0, 0, 2];
    for (const [i, v] of values.entries()) scrape(store, i * 10, v);
    const [series] = store.select('x_total', {});
    expect(series?.samples).toEqual([
      { t: 0, v: 1 },
      { t: 40, v: 1 },
      { t: 50, v: 4 },
      { t: 70, v: 4 },
      { t: 80, v: 0 },
      { t: 90, v: 0 },
      { t: 100, v: 2 },
    ]);
    const full = values.map((v, i) => ({ t: i * 10, v }));
    for (const [since, until] of [
      [0, 100],
      [15, 65],
      [25, 35],
      [45, 85],
      [60, 100],
    ] as const) {
      expect(counterIncrease(series?.samples ?? [], since, until)).toBe(counterIncrease(full, since, until));
    }
  });

  it('knows a flat run still held its value inside a range whose samples were dropped', () => {
    const store = new SeriesStore();
    for (let t = 0; t <= 100; t += 10) scrape(store, t, 7);
    const [series] = store.select('x_total', {});
    if (!series) throw new Error('no series');
    expect(SeriesStore.valueAt(series, 30, 60)).toBe(7);
    expect(SeriesStore.valueAt(series, 100, 200)).toBeUndefined(); // nothing scraped after 100
  });

  it('gives a series born between two scrapes a 0 sample at the previous scrape', () => {
    const store = new SeriesStore();
    scrape(store, 20, 5, 10);
    expect(store.select('x_total', {})[0]?.samples).toEqual([
      { t: 10, v: 0 },
      { t: 20, v: 5 },
    ]);
  });

  it('prunes old samples and forgets series not seen since the cutoff', () => {
    const store = new SeriesStore();
    scrape(store, 0, 1);
    store.ingest('app', 5, [{ name: 'y_total', labels: {}, value: 1 }], undefined);
    scrape(store, 10, 2);
    scrape(store, 20, 3);
    store.prune(15);
    expect(store.select('x_total', {})[0]?.samples.map((s) => s.t)).toEqual([10, 20]);
    expect(store.select('y_total', {})).toEqual([]);
    expect(store.countFor('app')).toBe(1);
  });

  it('matches like PromQL equality: "" also matches a missing label', () => {
    expect(matches({ a: '1' }, { a: '1', b: '' })).toBe(true);
    expect(matches({ a: '1' }, { a: '2' })).toBe(false);
  });
});
