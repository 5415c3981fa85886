import type { Kysely, Selectable } from 'kysely';
import type {
  AlertPayload,
  CommandInput,
  CommandKind,
  CommandOutcome,
  CommandStatus,
  QueuedCommand,
} from '../rollout/command.js';
import type { CommandsTable, Database } from './database.js';
import type { WriteLocks } from './write-locks.js';

/** The `payload` column: promote's `full` and alert's labels, as JSON (`{}` for the other kinds). */
interface StoredPayload {
  full?: boolean;
  alert?: AlertPayload;
}

function payloadOf(command: CommandInput): StoredPayload {
  switch (command.kind) {
    case 'promote':
      return { full: command.full };
    case 'alert':
      return { alert: command.alert };
    case 'start':
    case 'pause':
    case 'resume':
    case 'approve':
    case 'rollback':
      return {};
    default:
      return command satisfies never;
  }
}

function commandOf(row: Selectable<CommandsTable>): CommandInput {
  const by = {
    rollout: row.rollout,
    actor: row.actor,
    reason: row.reason,
    ...(row.dedupe_key === null ? {} : { dedupeKey: row.dedupe_key }),
  };
  const payload = JSON.parse(row.payload) as StoredPayload;
  const kind = row.kind as CommandKind;
  // Rows written before promote always stored `full` hold `{}` for a one-step promote.
  if (kind === 'promote') return { ...by, kind, full: payload.full ?? false };
  if (kind === 'alert') return { ...by, kind, alert: payload.alert ?? { labels: {} } };
  return { ...by, kind };
}

function fromRow(row: Selectable<CommandsTable>): QueuedCommand {
  return {
    id: Number(row.id),
    ...commandOf(row),
    submittedAt: new Date(row.submitted_at),
    status: row.status as CommandStatus,
    result: row.result,
    appliedAt: row.applied_at === null ? null : new Date(row.applied_at),
  };
}

export async function enqueueCommand(
  db: Kysely<Database>,
  command: CommandInput,
  at: Date,
  locks: WriteLocks,
): Promise<QueuedCommand> {
  return db.transaction().execute(async (trx) => {
    // Replicas enqueue concurrently; ids are max+1, so writers take turns.
    await locks.exclusive(trx, 'commands');
    // Under the lock, so two submissions with one key cannot both miss (the unique index agrees).
    if (command.dedupeKey !== undefined) {
      const first = await commandByDedupeKey(trx, command.dedupeKey);
      if (first) return first;
    }
    const last = await trx
      .selectFrom('commands')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    const id = Number(last?.id ?? 0) + 1;
    const row = {
      id,
      rollout: command.rollout,
      kind: command.kind,
      actor: command.actor,
      reason: command.reason,
      payload: JSON.stringify(payloadOf(command)),
      submitted_at: at.toISOString(),
      status: 'queued',
      result: null,
      applied_at: null,
      dedupe_key: command.dedupeKey ?? null,
    };
    await trx.insertInto('commands').values(row).execute();
    return fromRow(row);
  });
}

export async function queuedCommands(db: Kysely<Database>, rollout: string): Promise<QueuedCommand[]> {
  const rows = await db
    .selectFrom('commands')
    .selectAll()
    .where('rollout', '=', rollout)
    .where('status', '=', 'queued')
    .orderBy('id')
    .execute();
  return rows.map(fromRow);
}

export async function getCommand(db: Kysely<Database>, id: number): Promise<QueuedCommand | undefined> {
  const row = await db.selectFrom('commands').selectAll().where('id', '=', id).executeTakeFirst();
  return row && fromRow(row);
}

/** The command submitted with `dedupeKey`, or undefined. */
export async function commandByDedupeKey(
  db: Kysely<Database>,
  dedupeKey: string,
): Promise<QueuedCommand | undefined> {
  const row = await db
    .selectFrom('commands')
    .selectAll()
    .where('dedupe_key', '=', dedupeKey)
    .executeTakeFirst();
  return row && fromRow(row);
}

export async function recordOutcomes(db: Kysely<Database>, outcomes: CommandOutcome[]): Promise<void> {
  for (const o of outcomes) {
    await db
      .updateTable('commands')
      .set({ status: o.status, result: o.result, applied_at: o.at.toISOString() })
      .where('id', '=', o.id)
      .where('status', '=', 'queued')
      .execute();
  }
}
