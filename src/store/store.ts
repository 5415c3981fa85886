import type { AuditDraft, AuditEntry } from '../rollout/audit.js';
import type { CommandInput, CommandOutcome, QueuedCommand } from '../rollout/command.js';
import type { RolloutState } from '../rollout/rollout-state.js';
import type { FlagConstraint } from '../rollout-spec/flag-scope.js';

export interface AuditQuery {
  rollout?: string;
  /** Only entries with seq greater than this. */
  afterSeq?: number;
  /** Only entries with seq less than this (the cursor of a newest-first page). */
  beforeSeq?: number;
  /** `asc` (default): oldest first; `desc`: newest first, so `limit` keeps the newest. */
  order?: 'asc' | 'desc';
  limit?: number;
}

/** A flag of the embedded flag backend. */
export interface FlagRecord {
  name: string;
  project: string;
  environment: string;
  enabled: boolean;
  percentage: number;
  stickiness: string;
  groupId: string;
  /** Unleash constraints on the flag's strategy (all must match), served to SDKs as written. */
  constraints: FlagConstraint[];
  /** Store-wide counter: the largest revision changes whenever any flag changes (ETag). */
  revision: number;
  updatedAt: Date;
}

export type FlagKey = Pick<FlagRecord, 'name' | 'project' | 'environment'>;

/** Flags of the embedded backend. */
export interface FlagRepository {
  /** The flag, or undefined when it was never written. */
  get(key: FlagKey): Promise<FlagRecord | undefined>;
  /** Creates or updates a flag and bumps the revision; returns the row as read back. */
  put(flag: Omit<FlagRecord, 'revision' | 'updatedAt'>, at: Date): Promise<FlagRecord>;
  /** Every flag, ordered by project, environment, name. */
  list(): Promise<FlagRecord[]>;
  /** The largest revision (0 with no flags): changes on every write. */
  revision(): Promise<number>;
}

/** The stored answer to an API request sent with an Idempotency-Key. */
export interface IdempotencyRecord {
  /** Principal, method and path of the request. */
  scope: string;
  key: string;
  /** Hash of the request body: a retry must send the same body. */
  requestHash: string;
  createdAt: Date;
  /** The first answer, or null while the first request is in flight (or died with its process). */
  outcome: { status: number; body: string } | null;
}

/**
 * The first answers of keyed API requests. Not fenced: every replica answers requests. Records
 * are kept for a bounded time (`prune`); a key older than that is a new request.
 */
export interface IdempotencyRecords {
  /** Records a request in flight, or returns the record already under (scope, key) with `fresh: false`. */
  claim(request: Omit<IdempotencyRecord, 'outcome'>): Promise<{ fresh: boolean; record: IdempotencyRecord }>;
  /** Stores `outcome` unless an answer is stored already; returns the stored (first) answer. */
  complete(
    scope: string,
    key: string,
    outcome: { status: number; body: string },
    at: Date,
  ): Promise<{ status: number; body: string }>;
  /** Forgets a request that has no answer worth keeping (a 5xx says nothing about its effect). */
  release(scope: string, key: string): Promise<void>;
  /** Deletes the records created before `before`; returns how many. */
  prune(before: Date): Promise<number>;
}

/** A resolved alert to audit once, if the firing alert it ends was acted on. */
export interface ResolvedAlertDraft {
  /** The dedupe key of the firing alert's command. */
  firingKey: string;
  audit: AuditDraft;
}

/**
 * rampart's durable state: rollouts, the command queue, the append-only audit log and the
 * embedded flags. Every state change is written together with its audit entries in one transaction.
 */
export interface Store {
  /** The rollout's state, or undefined when it is unknown. */
  getRollout(name: string): Promise<RolloutState | undefined>;
  /** Every rollout, ordered by name. */
  listRollouts(): Promise<RolloutState[]>;
  /** Inserts a new rollout with its audit entries; throws RequestError `conflict` when it exists. */
  createRollout(state: RolloutState, audit: AuditDraft[]): Promise<RolloutState>;
  /**
   * Saves `state` if the stored version is still `expectedVersion` (else throws
   * StoreError `stale_state`), appends `audit` and records `commands` outcomes, all in one transaction.
   * Returns the state with its new version and the numbered audit entries.
   */
  saveRollout(
    state: RolloutState,
    change: { expectedVersion: number; audit: AuditDraft[]; commands?: CommandOutcome[] },
  ): Promise<{ state: RolloutState; audit: AuditEntry[] }>;
  /** Appends audit entries on their own (e.g. a refused spec reload, which changes no state). */
  appendAudit(entries: AuditDraft[]): Promise<AuditEntry[]>;
  /**
   * Audits each resolved alert whose firing became a command (by `firingKey`) and was not audited
   * as resolved yet, in one transaction; others are dropped. Returns the entries written.
   */
  auditResolvedAlerts(alerts: ResolvedAlertDraft[]): Promise<AuditEntry[]>;
  /** Reads the audit log in seq order. */
  readAudit(query?: AuditQuery): Promise<AuditEntry[]>;
  /**
   * Puts a command in the queue with status `queued`. A command whose `dedupeKey` was submitted
   * before is not queued again: the first one is returned as stored.
   */
  enqueueCommand(command: CommandInput, at: Date): Promise<QueuedCommand>;
  /** The command submitted with this dedupe key, or undefined. */
  commandByDedupeKey(dedupeKey: string): Promise<QueuedCommand | undefined>;
  /** Commands of a rollout still `queued`, oldest first. */
  queuedCommands(rollout: string): Promise<QueuedCommand[]>;
  /** One command by id, or undefined. */
  getCommand(id: number): Promise<QueuedCommand | undefined>;
  /** Flags of the embedded flag backend. */
  readonly flags: FlagRepository;
  /** Stored answers of API requests sent with an Idempotency-Key. */
  readonly idempotency: IdempotencyRecords;
  /** Closes the database. */
  close(): Promise<void>;
}
