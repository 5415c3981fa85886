import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../../src/store/open-postgres-store.js';
import type { SqlStore } from '../../../src/store/sql-store.js';
import { type PostgresServer, startPostgres } from '../../support/postgres.js';
import { draft, state, storeContract } from '../../support/store-contract.js';
import { dedupeContract } from '../../support/store-dedupe-contract.js';

let server: PostgresServer;
const opened: SqlStore[] = [];
let databases = 0;

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);

afterAll(async () => {
  for (const s of opened.splice(0)) await s.close().catch(() => undefined);
  await server?.stop();
});

async function freshUrl(): Promise<string> {
  databases += 1;
  return server.createDatabase(`store_${databases}`);
}

describe('PostgreSQL store', () => {
  storeContract(async (fence) => {
    const store = await openPostgresStore({ url: await freshUrl(), fence });
    opened.push(store);
    return store;
  });
  dedupeContract(async () => {
    const store = await openPostgresStore({ url: await freshUrl() });
    opened.push(store);
    return store;
  });

  it('migrates once when several replicas open the same database together', async () => {
    const url = await freshUrl();
    const stores = await Promise.all([1, 2, 3].map(() => openPostgresStore({ url })));
    opened.push(...stores);
    expect(await stores[0]?.leadership()).toEqual({ epoch: 0, holder: null, acquiredAt: null });
  });

  it('keeps audit seq and command ids gap-free when replicas write at the same time', async () => {
    const url = await freshUrl();
    const [a, b] = await Promise.all([openPostgresStore({ url }), openPostgresStore({ url })]);
    if (!a || !b) throw new Error('stores not opened');
    opened.push(a, b);
    await a.createRollout(state(), []);
    const at = new Date();
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const store = i % 2 === 0 ? a : b;
        return i % 4 < 2
          ? store.appendAudit([draft('alert_resolved'), draft('alert_resolved')])
          : store.enqueueCommand({ rollout: 'mfa-staff', kind: 'pause', actor: `u${i}`, reason: 'r' }, at);
      }),
    );
    expect((await a.readAudit()).map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect((await b.queuedCommands('mfa-staff')).map((c) => c.id)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });

  it('names the server it cannot reach, without the password', async () => {
    await expect(
      openPostgresStore({ url: `postgres://rampart@127.0.0.1:1/nowhere`, password: 's3cret-pw' }),
    ).rejects.toThrow(
      /cannot connect to the PostgreSQL store at postgres:\/\/rampart@127\.0\.0\.1:1\/nowhere/,
    );
    await expect(
      openPostgresStore({ url: `postgres://rampart:s3cret-pw@127.0.0.1:1/nowhere` }),
    ).rejects.toThrow(/postgres:\/\/rampart:\*\*\*@127\.0\.0\.1:1\/nowhere/);
  });
});
