import type { Kysely, Selectable } from 'kysely';
import type { Database, IdempotencyKeysTable } from './database.js';
import type { IdempotencyRecord, IdempotencyRecords } from './store.js';

function fromRow(row: Selectable<IdempotencyKeysTable>): IdempotencyRecord {
  return {
    scope: row.scope,
    key: row.key,
    requestHash: row.request_hash,
    createdAt: new Date(row.created_at),
    outcome: row.status === null ? null : { status: Number(row.status), body: row.body ?? '' },
  };
}

/**
 * IdempotencyRecords over any kysely dialect. Each statement is atomic on its own: the primary key
 * decides which of two concurrent claims is fresh, and `complete` only fills an empty answer.
 */
export function createIdempotencyRepository(db: Kysely<Database>): IdempotencyRecords {
  const read = async (scope: string, key: string) =>
    db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirst();
  return {
    async claim(request) {
      const inserted = await db
        .insertInto('idempotency_keys')
        .values({
          scope: request.scope,
          key: request.key,
          request_hash: request.requestHash,
          created_at: request.createdAt.toISOString(),
          status: null,
          body: null,
          completed_at: null,
        })
        .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
        .executeTakeFirst();
      const row = await read(request.scope, request.key);
      // Pruned between the two statements: the claim is as good as fresh.
      if (!row) return { fresh: true, record: { ...request, outcome: null } };
      return { fresh: Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0, record: fromRow(row) };
    },
    async complete(scope, key, outcome, at) {
      await db
        .updateTable('idempotency_keys')
        .set({ status: outcome.status, body: outcome.body, completed_at: at.toISOString() })
        .where('scope', '=', scope)
        .where('key', '=', key)
        .where('status', 'is', null)
        .execute();
      const row = await read(scope, key);
      return (row && fromRow(row).outcome) ?? outcome;
    },
    async release(scope, key) {
      await db
        .deleteFrom('idempotency_keys')
        .where('scope', '=', scope)
        .where('key', '=', key)
        .where('status', 'is', null)
        .execute();
    },
    async prune(before) {
      const result = await db
        .deleteFrom('idempotency_keys')
        .where('created_at', '<', before.toISOString())
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
