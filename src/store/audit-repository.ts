import type { Kysely, Selectable } from 'kysely';
import type { AuditAction, AuditDraft, AuditEntry } from '../rollout/audit.js';
import type { Phase } from '../rollout/phase.js';
import type { AuditLogTable, Database } from './database.js';
import type { AuditQuery } from './store.js';

function fromRow(row: Selectable<AuditLogTable>): AuditEntry {
  return {
    seq: Number(row.seq),
    at: new Date(row.at),
    rollout: row.rollout,
    actor: row.actor,
    action: row.action as AuditAction,
    fromPhase: row.from_phase as Phase | null,
    fromPercentage: row.from_percentage,
    toPhase: row.to_phase as Phase | null,
    toPercentage: row.to_percentage,
    reason: row.reason,
    evidence: JSON.parse(row.evidence) as unknown,
    epoch: Number(row.epoch),
  };
}

/**
 * Appends entries with seq = last seq + 1, inside the caller's transaction (which holds the
 * `audit` write lock): seq stays contiguous (an autoincrement sequence may leave gaps on rollback).
 * `epoch` is the writer's leadership epoch.
 */
export async function appendAudit(
  db: Kysely<Database>,
  drafts: AuditDraft[],
  epoch = 0,
): Promise<AuditEntry[]> {
  if (drafts.length === 0) return [];
  const last = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  let seq = Number(last?.seq ?? 0);
  const entries = drafts.map((d) => ({ ...d, seq: ++seq, epoch }));
  await db
    .insertInto('audit_log')
    .values(
      entries.map((e) => ({
        seq: e.seq,
        at: e.at.toISOString(),
        rollout: e.rollout,
        actor: e.actor,
        action: e.action,
        from_phase: e.fromPhase,
        from_percentage: e.fromPercentage,
        to_phase: e.toPhase,
        to_percentage: e.toPercentage,
        reason: e.reason,
        evidence: JSON.stringify(e.evidence ?? null),
        epoch: e.epoch,
      })),
    )
    .execute();
  return entries;
}

export async function readAudit(db: Kysely<Database>, query: AuditQuery = {}): Promise<AuditEntry[]> {
  let q = db
    .selectFrom('audit_log')
    .selectAll()
    .orderBy('seq', query.order ?? 'asc');
  if (query.rollout !== undefined) q = q.where('rollout', '=', query.rollout);
  if (query.afterSeq !== undefined) q = q.where('seq', '>', query.afterSeq);
  if (query.beforeSeq !== undefined) q = q.where('seq', '<', query.beforeSeq);
  if (query.limit !== undefined) q = q.limit(query.limit);
  return (await q.execute()).map(fromRow);
}
