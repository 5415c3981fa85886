import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { redactUrl } from '../errors/redact-url.js';
import { StoreError } from '../errors/store-error.js';
import type { Database } from './database.js';
import type { WriterFence } from './fence.js';
import { migrateToLatest } from './migrations.js';
import { type PostgresLocation, postgresClientConfig } from './postgres-connection.js';
import { SqlStore } from './sql-store.js';
import { ADVISORY_KEYS, ADVISORY_NAMESPACE, postgresWriteLocks } from './write-locks.js';

export interface PostgresStoreOptions extends PostgresLocation {
  /** Several replicas: state writes need this replica's leadership epoch (see SqlStore). */
  fence?: WriterFence;
  /** Connections in the pool (default 5). */
  poolSize?: number;
}

/**
 * Opens the PostgreSQL store through the same kysely code and migrations as SQLite. Replicas
 * starting together migrate one at a time (a session advisory lock around the migrator).
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<SqlStore> {
  const config = postgresClientConfig(options);
  // The URL may carry a password in its userinfo or its query (?password=): never show either.
  const where = redactUrl(options.url);
  const migrator = new pg.Client(config);
  try {
    await migrator.connect();
  } catch (error) {
    throw new StoreError(
      'store_error',
      `cannot connect to the PostgreSQL store at ${where}: ${redactUrl(String(error))}`,
      {
        cause: error,
      },
    );
  }
  // A transaction left open by a stalled replica would hold the epoch row and block the next leader.
  const pool = new pg.Pool({
    ...config,
    max: options.poolSize ?? 5,
    idle_in_transaction_session_timeout: 5_000,
  });
  // An idle pooled connection that the server drops must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrator.query('select pg_advisory_lock($1::int4, $2::int4)', [
      ADVISORY_NAMESPACE,
      ADVISORY_KEYS.migrations,
    ]);
    await migrateToLatest(db as Kysely<unknown>);
  } catch (error) {
    await db.destroy();
    throw error instanceof StoreError
      ? error
      : new StoreError('store_error', `cannot migrate the PostgreSQL store at ${where}: ${String(error)}`, {
          cause: error,
        });
  } finally {
    await migrator.end().catch(() => undefined);
  }
  return new SqlStore(db, { locks: postgresWriteLocks, fence: options.fence });
}
