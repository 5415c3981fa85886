import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { Migrator, sql } from 'kysely';
import { StoreError } from '../errors/store-error.js';

// Migrations use only the portable schema builder: integer/text columns, no autoincrement
// (ids and audit seq are assigned inside the writing transaction, which also keeps seq gap-free).
const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('rollouts')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('phase', 'text', (c) => c.notNull())
        .addColumn('step_index', 'integer', (c) => c.notNull())
        .addColumn('percentage', 'integer', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('epoch', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('spec', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('commands')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('rollout', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('submitted_at', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('result', 'text')
        .addColumn('applied_at', 'text')
        .execute();
      await db.schema
        .createIndex('commands_rollout_status')
        .on('commands')
        .columns(['rollout', 'status'])
        .execute();
      await db.schema
        .createTable('audit_log')
        .addColumn('seq', 'integer', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('rollout', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('from_phase', 'text')
        .addColumn('from_percentage', 'integer')
        .addColumn('to_phase', 'text')
        .addColumn('to_percentage', 'integer')
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('evidence', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('audit_log_rollout_seq')
        .on('audit_log')
        .columns(['rollout', 'seq'])
        .execute();
      await db.schema
        .createTable('flags')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('percentage', 'integer', (c) => c.notNull())
        .addColumn('stickiness', 'text', (c) => c.notNull())
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('revision', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('flags_pk', ['name', 'project', 'environment'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['flags', 'audit_log', 'commands', 'rollouts'])
        await db.schema.dropTable(table).execute();
    },
  },
  // Several replicas: the leadership epoch (fencing token) lives in one row, and every audit entry
  // records the epoch of the replica that wrote it.
  '0002_leadership': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('leadership')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('epoch', 'integer', (c) => c.notNull())
        .addColumn('holder', 'text')
        .addColumn('acquired_at', 'text')
        .execute();
      await sql`insert into leadership (id, epoch) values (1, 0)`.execute(db);
      await db.schema
        .alterTable('audit_log')
        .addColumn('epoch', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('audit_log').dropColumn('epoch').execute();
      await db.schema.dropTable('leadership').execute();
    },
  },
  // Scope: the embedded backend serves each flag's Unleash constraints to the SDKs.
  '0003_flag_constraints': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('flags')
        .addColumn('constraints', 'text', (c) => c.notNull().defaultTo('[]'))
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('flags').dropColumn('constraints').execute();
    },
  },
  // Exactly-once commands: a command may carry a dedupe key (a client's Idempotency-Key, or an alert's
  // rollout/fingerprint/startsAt); the unique index makes a second submission find the first. The
  // API stores each keyed request's first answer, and resolved alerts are audited once per firing.
  '0004_idempotency': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('commands').addColumn('dedupe_key', 'text').execute();
      await db.schema
        .createIndex('commands_dedupe_key')
        .unique()
        .on('commands')
        .column('dedupe_key')
        .execute();
      await db.schema
        .createTable('idempotency_keys')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('status', 'integer')
        .addColumn('body', 'text')
        .addColumn('completed_at', 'text')
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['scope', 'key'])
        .execute();
      await db.schema
        .createIndex('idempotency_keys_created_at')
        .on('idempotency_keys')
        .column('created_at')
        .execute();
      await db.schema
        .createTable('resolved_alerts')
        .addColumn('dedupe_key', 'text', (c) => c.primaryKey())
        .addColumn('resolved_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('resolved_alerts').execute();
      await db.schema.dropTable('idempotency_keys').execute();
      await db.schema.dropIndex('commands_dedupe_key').execute();
      await db.schema.alterTable('commands').dropColumn('dedupe_key').execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema to the latest version; throws StoreError naming the failed migration. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new StoreError('store_error', `database migration ${failed} failed: ${String(error)}`, {
      cause: error,
    });
  }
}
