import type { Kysely, Selectable } from 'kysely';
import type { FlagConstraint } from '../rollout-spec/flag-scope.js';
import type { Database, FlagsTable } from './database.js';
import type { FlagKey, FlagRecord, FlagRepository } from './store.js';

function fromRow(row: Selectable<FlagsTable>): FlagRecord {
  return {
    name: row.name,
    project: row.project,
    environment: row.environment,
    enabled: Number(row.enabled) === 1,
    percentage: Number(row.percentage),
    stickiness: row.stickiness,
    groupId: row.group_id,
    constraints: parseConstraints(row.constraints),
    revision: Number(row.revision),
    updatedAt: new Date(row.updated_at),
  };
}

/** The column is written only by `put` below, from constraints the spec schema validated. */
function parseConstraints(text: string): FlagConstraint[] {
  return JSON.parse(text) as FlagConstraint[];
}

async function get(db: Kysely<Database>, key: FlagKey): Promise<FlagRecord | undefined> {
  const row = await db
    .selectFrom('flags')
    .selectAll()
    .where('name', '=', key.name)
    .where('project', '=', key.project)
    .where('environment', '=', key.environment)
    .executeTakeFirst();
  return row && fromRow(row);
}

async function maxRevision(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('flags')
    .select((eb) => eb.fn.max('revision').as('revision'))
    .executeTakeFirst();
  return Number(row?.revision ?? 0);
}

/**
 * The embedded backend's flags table behind the FlagRepository interface. `beforeWrite` runs first
 * in every writing transaction (the leader's fence and the write lock: revisions are max+1).
 */
export function createFlagRepository(
  db: Kysely<Database>,
  beforeWrite: (trx: Kysely<Database>) => Promise<void> = async () => {},
): FlagRepository {
  return {
    get: (key) => get(db, key),
    revision: () => maxRevision(db),
    async list() {
      const rows = await db
        .selectFrom('flags')
        .selectAll()
        .orderBy('project')
        .orderBy('environment')
        .orderBy('name')
        .execute();
      return rows.map(fromRow);
    },
    put(flag, at) {
      return db.transaction().execute(async (trx) => {
        await beforeWrite(trx);
        const values = {
          enabled: flag.enabled ? 1 : 0,
          percentage: flag.percentage,
          stickiness: flag.stickiness,
          group_id: flag.groupId,
          constraints: JSON.stringify(flag.constraints),
          revision: (await maxRevision(trx)) + 1,
          updated_at: at.toISOString(),
        };
        const updated = await trx
          .updateTable('flags')
          .set(values)
          .where('name', '=', flag.name)
          .where('project', '=', flag.project)
          .where('environment', '=', flag.environment)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) {
          await trx
            .insertInto('flags')
            .values({ name: flag.name, project: flag.project, environment: flag.environment, ...values })
            .execute();
        }
        const row = await get(trx, flag);
        if (!row) throw new Error(`flag ${flag.name} vanished inside its own transaction`);
        return row;
      });
    },
  };
}
