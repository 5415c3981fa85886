import { RequestError } from '../errors/request-error.js';
import { StoreError } from '../errors/store-error.js';
import type { AuditDraft, AuditEntry } from '../rollout/audit.js';
import type { CommandInput, CommandOutcome, QueuedCommand } from '../rollout/command.js';
import type { RolloutState } from '../rollout/rollout-state.js';
import type {
  AuditQuery,
  FlagKey,
  FlagRecord,
  FlagRepository,
  ResolvedAlertDraft,
  Store,
} from '../store/store.js';
import { MemoryIdempotencyRecords } from './memory-idempotency-records.js';

/**
 * The Store contract in memory, for the simulator (the in-memory SQLite store spent most of a
 * run's time in query building and row mapping). Same contract as SqlStore: versions checked and
 * bumped on save (StoreError `stale_state`), audit seq contiguous from 1, commands queued then resolved once,
 * every read a copy so callers never share state with the store. Not durable, one process only.
 */
/**
 * A copy of a state that shares nothing mutable with it. The spec is shared: the controller treats
 * specs as values (a reload replaces the object), and cloning it on every tick was most of a run.
 */
function copyState(s: RolloutState): RolloutState {
  return {
    ...s,
    stepStartedAt: new Date(s.stepStartedAt),
    stepStarts: s.stepStarts.map((x) => ({ ...x, at: new Date(x.at) })),
    lastDataAt: new Date(s.lastDataAt),
    updatedAt: new Date(s.updatedAt),
    pendingWrite: s.pendingWrite && {
      ...s.pendingWrite,
      write: { ...s.pendingWrite.write },
      decidedAt: new Date(s.pendingWrite.decidedAt),
      nextAttemptAt: new Date(s.pendingWrite.nextAttemptAt),
    },
    lastWritten: s.lastWritten && { ...s.lastWritten },
  };
}

export class MemoryStore implements Store {
  private readonly rollouts = new Map<string, RolloutState>();
  private readonly audit: AuditEntry[] = [];
  private readonly commands: QueuedCommand[] = [];
  private readonly resolvedAlerts = new Set<string>();
  readonly flags: FlagRepository = new MemoryFlagRepository();
  readonly idempotency = new MemoryIdempotencyRecords();

  async getRollout(name: string): Promise<RolloutState | undefined> {
    const s = this.rollouts.get(name);
    return s ? copyState(s) : undefined;
  }

  async listRollouts(): Promise<RolloutState[]> {
    return [...this.rollouts.values()].sort((a, b) => a.name.localeCompare(b.name)).map(copyState);
  }

  async createRollout(state: RolloutState, audit: AuditDraft[]): Promise<RolloutState> {
    if (this.rollouts.has(state.name))
      throw new RequestError('conflict', `rollout ${state.name} already exists`);
    this.rollouts.set(state.name, copyState(state));
    this.append(audit);
    return state;
  }

  async saveRollout(
    state: RolloutState,
    change: { expectedVersion: number; audit: AuditDraft[]; commands?: CommandOutcome[] },
  ): Promise<{ state: RolloutState; audit: AuditEntry[] }> {
    const stored = this.rollouts.get(state.name);
    if (!stored || stored.version !== change.expectedVersion) {
      throw new StoreError(
        'stale_state',
        `rollout ${state.name} changed since version ${change.expectedVersion} was read; not saved`,
      );
    }
    const next = { ...state, version: change.expectedVersion + 1 };
    this.rollouts.set(state.name, copyState(next));
    const audit = this.append(change.audit);
    for (const o of change.commands ?? []) {
      const c = this.commands.find((x) => x.id === o.id && x.status === 'queued');
      if (c) Object.assign(c, { status: o.status, result: o.result, appliedAt: o.at });
    }
    return { state: next, audit };
  }

  async appendAudit(entries: AuditDraft[]): Promise<AuditEntry[]> {
    return this.append(entries);
  }

  async auditResolvedAlerts(alerts: ResolvedAlertDraft[]): Promise<AuditEntry[]> {
    const fresh = alerts.filter((a) => {
      if (this.resolvedAlerts.has(a.firingKey)) return false;
      if (!this.commands.some((c) => c.dedupeKey === a.firingKey)) return false;
      this.resolvedAlerts.add(a.firingKey);
      return true;
    });
    return this.append(fresh.map((a) => a.audit));
  }

  async readAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    let out = this.audit.filter(
      (e) =>
        (query.rollout === undefined || e.rollout === query.rollout) &&
        (query.afterSeq === undefined || e.seq > query.afterSeq) &&
        (query.beforeSeq === undefined || e.seq < query.beforeSeq),
    );
    if (query.order === 'desc') out = out.reverse();
    if (query.limit !== undefined) out = out.slice(0, query.limit);
    return structuredClone(out);
  }

  async enqueueCommand(command: CommandInput, at: Date): Promise<QueuedCommand> {
    // Looked up without an await in between, so concurrent submissions of one key cannot both miss.
    const first = command.dedupeKey && this.commands.find((c) => c.dedupeKey === command.dedupeKey);
    if (first) return structuredClone(first);
    const queued: QueuedCommand = {
      ...structuredClone(command),
      id: this.commands.length + 1,
      submittedAt: at,
      status: 'queued',
      result: null,
      appliedAt: null,
    };
    this.commands.push(queued);
    return structuredClone(queued);
  }

  async commandByDedupeKey(dedupeKey: string): Promise<QueuedCommand | undefined> {
    const c = this.commands.find((x) => x.dedupeKey === dedupeKey);
    return c ? structuredClone(c) : undefined;
  }

  async queuedCommands(rollout: string): Promise<QueuedCommand[]> {
    return structuredClone(this.commands.filter((c) => c.rollout === rollout && c.status === 'queued'));
  }

  async getCommand(id: number): Promise<QueuedCommand | undefined> {
    const c = this.commands.find((x) => x.id === id);
    return c ? structuredClone(c) : undefined;
  }

  async close(): Promise<void> {}

  private append(drafts: AuditDraft[]): AuditEntry[] {
    const entries = drafts.map((d, i) => ({ ...structuredClone(d), seq: this.audit.length + i + 1 }));
    this.audit.push(...entries);
    return structuredClone(entries);
  }
}

class MemoryFlagRepository implements FlagRepository {
  private readonly flags = new Map<string, FlagRecord>();
  private rev = 0;

  async get(key: FlagKey): Promise<FlagRecord | undefined> {
    const f = this.flags.get(keyOf(key));
    return f ? { ...f } : undefined;
  }

  async put(flag: Omit<FlagRecord, 'revision' | 'updatedAt'>, at: Date): Promise<FlagRecord> {
    this.rev += 1;
    const record: FlagRecord = { ...flag, revision: this.rev, updatedAt: at };
    this.flags.set(keyOf(flag), record);
    return { ...record };
  }

  async list(): Promise<FlagRecord[]> {
    return [...this.flags.values()]
      .sort((a, b) =>
        `${a.project}\0${a.environment}\0${a.name}`.localeCompare(
          `${b.project}\0${b.environment}\0${b.name}`,
        ),
      )
      .map((f) => ({ ...f }));
  }

  async revision(): Promise<number> {
    return this.rev;
  }
}

function keyOf(k: FlagKey): string {
  return `${k.project}\0${k.environment}\0${k.name}`;
}
