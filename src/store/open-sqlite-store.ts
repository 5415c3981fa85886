import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { StoreError } from '../errors/store-error.js';
import type { Database } from './database.js';
import { migrateToLatest } from './migrations.js';
import { SqlStore } from './sql-store.js';
import { cachingDatabase } from './statement-cache.js';

export const DEFAULT_SQLITE_PATH = './data/rampart.db';

export interface SqliteStoreOptions {
  /** Database file, or `:memory:` for tests. Default ./data/rampart.db. */
  path?: string;
}

/**
 * Opens (creating and migrating as needed) the SQLite store. WAL with synchronous=FULL: a committed
 * transaction survives a power cut, not only a process kill.
 */
export async function openSqliteStore(options: SqliteStoreOptions = {}): Promise<SqlStore> {
  const path = options.path ?? DEFAULT_SQLITE_PATH;
  let sqlite: SQLite.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    sqlite = new SQLite(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('busy_timeout = 5000');
  } catch (error) {
    throw new StoreError('store_error', `cannot open SQLite store at ${path}: ${String(error)}`, {
      cause: error,
    });
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingDatabase(sqlite) }) });
  await migrateToLatest(db as Kysely<unknown>);
  return new SqlStore(db);
}
