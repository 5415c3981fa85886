import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from './database.js';

/** Writers that number rows max+1 and must therefore queue behind each other. */
export type LockName = 'audit' | 'commands' | 'flags';

/** How a dialect keeps concurrent writers on several connections (or replicas) apart. */
export interface WriteLocks {
  /** Takes a lock on `name` held until the caller's transaction ends. */
  exclusive(trx: Kysely<Database>, name: LockName): Promise<void>;
  /** True when SELECT ... FOR SHARE exists (PostgreSQL): fenced writes hold the epoch row shared. */
  readonly rowLocks: boolean;
}

/** SQLite: one connection, transactions already run one at a time. */
export const sqliteWriteLocks: WriteLocks = {
  exclusive: async () => {},
  rowLocks: false,
};

/** Namespace of rampart's advisory locks ('ramp'); the second key names the lock. */
export const ADVISORY_NAMESPACE = 0x72616d70;
export const ADVISORY_KEYS = { audit: 1, commands: 2, flags: 3, migrations: 4, leader: 10 } as const;

/** PostgreSQL: transaction-scoped advisory locks, released at commit or rollback. */
export const postgresWriteLocks: WriteLocks = {
  async exclusive(trx, name) {
    await sql`select pg_advisory_xact_lock(${ADVISORY_NAMESPACE}::int4, ${ADVISORY_KEYS[name]}::int4)`.execute(
      trx,
    );
  },
  rowLocks: true,
};
