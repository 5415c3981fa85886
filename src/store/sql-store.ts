import type { Kysely } from 'kysely';
import { StoreError } from '../errors/store-error.js';
import type { AuditDraft, AuditEntry } from '../rollout/audit.js';
import type { CommandInput, CommandOutcome, QueuedCommand } from '../rollout/command.js';
import type { RolloutState } from '../rollout/rollout-state.js';
import { appendAudit, readAudit } from './audit-repository.js';
import {
  commandByDedupeKey,
  enqueueCommand,
  getCommand,
  queuedCommands,
  recordOutcomes,
} from './command-repository.js';
import type { Database } from './database.js';
import type { WriterFence } from './fence.js';
import { createFlagRepository } from './flag-repository.js';
import { createIdempotencyRepository } from './idempotency-repository.js';
import { auditResolvedAlerts } from './resolved-alert-repository.js';
import { getRollout, insertRollout, listRollouts, updateRollout } from './rollout-repository.js';
import type { AuditQuery, FlagRepository, IdempotencyRecords, ResolvedAlertDraft, Store } from './store.js';
import { sqliteWriteLocks, type WriteLocks } from './write-locks.js';

export interface SqlStoreOptions {
  /** Closes the connection(s); default destroys the kysely instance. */
  onClose?: () => Promise<void>;
  /** How concurrent writers queue (PostgreSQL advisory locks; nothing to do on SQLite). */
  locks?: WriteLocks;
  /**
   * Several replicas: state writes (rollouts, command outcomes, embedded flags) carry this
   * replica's epoch and are refused without one or when a newer leader's epoch is stored.
   * Without a fence (one replica) every write goes through with the state's own epoch.
   */
  fence?: WriterFence;
}

/** The Store over any kysely dialect (SQLite, PostgreSQL): repositories plus transactions. */
export class SqlStore implements Store {
  readonly flags: FlagRepository;
  readonly idempotency: IdempotencyRecords;
  private readonly locks: WriteLocks;
  private readonly onClose: () => Promise<void>;

  constructor(
    readonly db: Kysely<Database>,
    private readonly options: SqlStoreOptions = {},
  ) {
    this.locks = options.locks ?? sqliteWriteLocks;
    this.onClose = options.onClose ?? (() => db.destroy());
    this.idempotency = createIdempotencyRepository(db);
    this.flags = createFlagRepository(db, async (trx) => {
      await this.fenced(trx);
      await this.locks.exclusive(trx, 'flags');
    });
  }

  getRollout(name: string): Promise<RolloutState | undefined> {
    return getRollout(this.db, name);
  }

  listRollouts(): Promise<RolloutState[]> {
    return listRollouts(this.db);
  }

  createRollout(state: RolloutState, audit: AuditDraft[]): Promise<RolloutState> {
    return this.db.transaction().execute(async (trx) => {
      const epoch = (await this.fenced(trx)) ?? state.epoch;
      const stored = { ...state, epoch };
      await insertRollout(trx, stored);
      await this.locks.exclusive(trx, 'audit');
      await appendAudit(trx, audit, epoch);
      return stored;
    });
  }

  saveRollout(
    state: RolloutState,
    change: { expectedVersion: number; audit: AuditDraft[]; commands?: CommandOutcome[] },
  ): Promise<{ state: RolloutState; audit: AuditEntry[] }> {
    return this.db.transaction().execute(async (trx) => {
      const epoch = (await this.fenced(trx)) ?? state.epoch;
      const next = { ...state, version: change.expectedVersion + 1, epoch };
      await updateRollout(trx, next, change.expectedVersion);
      await this.locks.exclusive(trx, 'audit');
      const audit = await appendAudit(trx, change.audit, epoch);
      if (change.commands?.length) await recordOutcomes(trx, change.commands);
      return { state: next, audit };
    });
  }

  /**
   * Not fenced: a follower records what it received (e.g. a resolved alert); it changes no state.
   * Entries carry the writer's epoch, or on a follower the epoch current when they were written.
   */
  appendAudit(entries: AuditDraft[]): Promise<AuditEntry[]> {
    return this.db.transaction().execute(async (trx) => {
      await this.locks.exclusive(trx, 'audit');
      const epoch = this.options.fence?.current() ?? (await this.storedEpoch(trx));
      return appendAudit(trx, entries, epoch);
    });
  }

  /** Not fenced, like appendAudit: any replica may receive the resolved alert. */
  auditResolvedAlerts(alerts: ResolvedAlertDraft[]): Promise<AuditEntry[]> {
    return this.db.transaction().execute(async (trx) => {
      await this.locks.exclusive(trx, 'audit');
      const epoch = this.options.fence?.current() ?? (await this.storedEpoch(trx));
      return auditResolvedAlerts(trx, alerts, epoch);
    });
  }

  readAudit(query?: AuditQuery): Promise<AuditEntry[]> {
    return readAudit(this.db, query);
  }

  /** Not fenced: followers accept commands into the queue; the leader applies them. */
  enqueueCommand(command: CommandInput, at: Date): Promise<QueuedCommand> {
    return enqueueCommand(this.db, command, at, this.locks);
  }

  commandByDedupeKey(dedupeKey: string): Promise<QueuedCommand | undefined> {
    return commandByDedupeKey(this.db, dedupeKey);
  }

  queuedCommands(rollout: string): Promise<QueuedCommand[]> {
    return queuedCommands(this.db, rollout);
  }

  getCommand(id: number): Promise<QueuedCommand | undefined> {
    return getCommand(this.db, id);
  }

  /** Rollouts with commands still queued (the leader's fallback when a notification is lost). */
  async queuedRollouts(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('commands')
      .select('rollout')
      .distinct()
      .where('status', '=', 'queued')
      .orderBy('rollout')
      .execute();
    return rows.map((r) => r.rollout);
  }

  /** The stored leadership epoch and who took it (0 and null before any leader). */
  async leadership(): Promise<{ epoch: number; holder: string | null; acquiredAt: Date | null }> {
    const row = await this.db.selectFrom('leadership').selectAll().where('id', '=', 1).executeTakeFirst();
    return {
      epoch: Number(row?.epoch ?? 0),
      holder: row?.holder ?? null,
      acquiredAt: row?.acquired_at ? new Date(row.acquired_at) : null,
    };
  }

  private async storedEpoch(trx: Kysely<Database>): Promise<number> {
    const row = await trx.selectFrom('leadership').select('epoch').where('id', '=', 1).executeTakeFirst();
    return Number(row?.epoch ?? 0);
  }

  close(): Promise<void> {
    return this.onClose();
  }

  /**
   * Checks the writer's epoch inside `trx` and returns it (undefined without a fence). On
   * PostgreSQL the epoch row is held FOR SHARE until commit, so a new leader's epoch bump waits
   * for this write and every later write of the old epoch is refused: writes never interleave.
   */
  private async fenced(trx: Kysely<Database>): Promise<number | undefined> {
    const fence = this.options.fence;
    if (!fence) return undefined;
    const mine = fence.current();
    if (mine === null) throw new StoreError('fenced', 'this replica is not the leader; state not written');
    let query = trx.selectFrom('leadership').select('epoch').where('id', '=', 1);
    if (this.locks.rowLocks) query = query.forShare();
    const stored = Number((await query.executeTakeFirst())?.epoch ?? 0);
    if (stored > mine) {
      throw new StoreError(
        'fenced',
        `leadership epoch ${mine} was superseded by epoch ${stored}; this replica's write is refused`,
      );
    }
    return mine;
  }
}
