import type SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * Gives kysely's SQLite dialect prepared statements from a cache keyed by SQL text: kysely
 * prepares every query anew, which costs more than running it for the small reads the API serves.
 * Safe because kysely runs each statement synchronously to completion (all/run, no iterate).
 */
export function cachingDatabase(sqlite: SQLite.Database, max = 512): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        // Queries with lists of varying length have many texts; start afresh rather than grow.
        if (statements.size >= max) statements.clear();
        statement = sqlite.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
    close() {
      statements.clear();
      sqlite.close();
    },
  };
}
