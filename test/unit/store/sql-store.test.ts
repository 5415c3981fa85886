import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../src/store/open-sqlite-store.js';
import { SqlStore } from '../../../src/store/sql-store.js';
import { draft, state, storeContract } from '../../support/store-contract.js';
import { dedupeContract } from '../../support/store-dedupe-contract.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('SQLite store', () => {
  it('creates the file at the configured path with WAL and synchronous=FULL, and keeps data across reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-store-'));
    dirs.push(dir);
    const path = join(dir, 'nested', 'rampart.db');
    const store = await openSqliteStore({ path });
    const journal = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(store.db);
    const sync = await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(store.db);
    expect(journal.rows[0]?.journal_mode).toBe('wal');
    expect(sync.rows[0]?.synchronous).toBe(2);
    await store.createRollout(state(), [draft('created')]);
    await store.close();
    const again = await openSqliteStore({ path });
    expect(await again.getRollout('mfa-staff')).toEqual(state());
    expect((await again.readAudit()).map((e) => e.seq)).toEqual([1]);
    await again.close();
  });

  it('reads a row saved before stepStarts existed with its current step as the run', async () => {
    const store = await openSqliteStore({ path: ':memory:' });
    await store.createRollout(state(), []);
    const row = await store.db.selectFrom('rollouts').select('state').executeTakeFirstOrThrow();
    const { stepStarts: _dropped, ...old } = JSON.parse(row.state) as Record<string, unknown>;
    await store.db
      .updateTable('rollouts')
      .set({ state: JSON.stringify(old) })
      .execute();
    const read = await store.getRollout('mfa-staff');
    expect(read?.stepStarts).toEqual([{ stepIndex: 0, percentage: 1, at: state().stepStartedAt }]);
    await store.close();
  });

  it('reads command rows whose payload predates the command union', async () => {
    const store = await openSqliteStore({ path: ':memory:' });
    const at = new Date('2025-03-03T10:00:00Z');
    const by = { rollout: 'mfa-staff', actor: 'alice', reason: 'x' };
    const promote = await store.enqueueCommand({ ...by, kind: 'promote', full: true }, at);
    const pause = await store.enqueueCommand({ ...by, kind: 'pause' }, at);
    // A one-step promote used to be stored without `full`.
    await store.db.updateTable('commands').set({ payload: '{}' }).where('id', '=', promote.id).execute();
    expect(await store.getCommand(promote.id)).toMatchObject({ kind: 'promote', full: false });
    expect(await store.getCommand(pause.id)).not.toHaveProperty('full');
    const row = await store.db
      .selectFrom('commands')
      .select('payload')
      .where('id', '=', pause.id)
      .executeTakeFirstOrThrow();
    expect(row.payload).toBe('{}');
    await store.close();
  });

  storeContract(async (fence) => {
    const store = await openSqliteStore({ path: ':memory:' });
    return fence ? new SqlStore(store.db, { fence }) : store;
  });
  dedupeContract(() => openSqliteStore({ path: ':memory:' }));
});
