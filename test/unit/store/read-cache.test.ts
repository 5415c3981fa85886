import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cachingDatabase } from '../../../src/store/statement-cache.js';
import { makeHarness, testSpec } from '../../support/controller-harness.js';

describe('parsed-state cache of the SQL store', () => {
  it('serves an unchanged row without parsing it again, frozen, and a changed row afresh', async () => {
    const h = await makeHarness();
    await h.controller.register(testSpec());
    const first = await h.store.getRollout('mfa-staff');
    const again = (await h.store.listRollouts())[0];
    expect(again).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first?.spec.steps)).toBe(true);
    await h.step('mfa-staff');
    const moved = await h.store.getRollout('mfa-staff');
    expect(moved).not.toBe(first);
    expect(moved?.phase).toBe('ramping');
  });

  it('never mixes up two stores that hold a rollout of the same name and version', async () => {
    const a = await makeHarness();
    const b = await makeHarness();
    await a.controller.register(testSpec());
    await b.controller.register(testSpec({ steps: [10, 100] }));
    expect((await a.store.getRollout('mfa-staff'))?.spec.steps).toEqual([1, 5, 25, 50, 100]);
    expect((await b.store.getRollout('mfa-staff'))?.spec.steps).toEqual([10, 100]);
  });

  it('prepares each SQL text once, and starts afresh past its bound (statement cache)', () => {
    const sqlite = new SQLite(':memory:');
    let prepared = 0;
    const prepare = sqlite.prepare.bind(sqlite);
    sqlite.prepare = ((sql: string) => {
      prepared += 1;
      return prepare(sql);
    }) as typeof sqlite.prepare;
    const db = cachingDatabase(sqlite, 2);
    const one = db.prepare('select 1 as x');
    expect(db.prepare('select 1 as x')).toBe(one);
    expect(prepared).toBe(1);
    db.prepare('select 2 as x');
    db.prepare('select 3 as x');
    db.prepare('select 1 as x');
    expect(prepared).toBe(4);
    expect(sqlite.prepare('select 1 as x').all()).toEqual([{ x: 1 }]);
    db.close();
  });
});
