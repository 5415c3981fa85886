import type { Kysely } from 'kysely';
import type { CommandInput, QueuedCommand } from '../controller/command.js';
import type { RolloutState } from '../controller/rollout-state.js';
import { appendAudit, readAudit } from './audit-repository.js';
import { enqueueCommand, getCommand, queuedCommands, recordOutcomes } from './command-repository.js';
import type { Database } from './database.js';
import { createFlagRepository } from './flag-repository.js';
import { getRollout, insertRollout, listRollouts, updateRollout } from './rollout-repository.js';
import type { AuditDraft, AuditEntry, AuditQuery, CommandOutcome, FlagRepository, Store } from './store.js';

/** The Store over any kysely dialect (SQLite now, PostgreSQL later): repositories plus transactions. */
export class SqlStore implements Store {
  readonly flags: FlagRepository;

  constructor(
    readonly db: Kysely<Database>,
    private readonly onClose: () => Promise<void> = () => db.destroy(),
  ) {
    this.flags = createFlagRepository(db);
  }

  getRollout(name: string): Promise<RolloutState | undefined> {
    return getRollout(this.db, name);
  }

  listRollouts(): Promise<RolloutState[]> {
    return listRollouts(this.db);
  }

  createRollout(state: RolloutState, audit: AuditDraft[]): Promise<RolloutState> {
    return this.db.transaction().execute(async (trx) => {
      await insertRollout(trx, state);
      await appendAudit(trx, audit);
      return state;
    });
  }

  saveRollout(
    state: RolloutState,
    change: { expectedVersion: number; audit: AuditDraft[]; commands?: CommandOutcome[] },
  ): Promise<{ state: RolloutState; audit: AuditEntry[] }> {
    const next = { ...state, version: change.expectedVersion + 1 };
    return this.db.transaction().execute(async (trx) => {
      await updateRollout(trx, next, change.expectedVersion);
      const audit = await appendAudit(trx, change.audit);
      if (change.commands?.length) await recordOutcomes(trx, change.commands);
      return { state: next, audit };
    });
  }

  appendAudit(entries: AuditDraft[]): Promise<AuditEntry[]> {
    return this.db.transaction().execute((trx) => appendAudit(trx, entries));
  }

  readAudit(query?: AuditQuery): Promise<AuditEntry[]> {
    return readAudit(this.db, query);
  }

  enqueueCommand(command: CommandInput, at: Date): Promise<QueuedCommand> {
    return enqueueCommand(this.db, command, at);
  }

  queuedCommands(rollout: string): Promise<QueuedCommand[]> {
    return queuedCommands(this.db, rollout);
  }

  getCommand(id: number): Promise<QueuedCommand | undefined> {
    return getCommand(this.db, id);
  }

  close(): Promise<void> {
    return this.onClose();
  }
}
