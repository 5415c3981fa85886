/**
 * Table shapes as kysely sees them. Portable types only (text, integer): times are ISO-8601 text,
 * booleans 0/1 integers, JSON as text, so the same code runs on SQLite and PostgreSQL.
 */
export interface Database {
  rollouts: RolloutsTable;
  commands: CommandsTable;
  audit_log: AuditLogTable;
  flags: FlagsTable;
  leadership: LeadershipTable;
  idempotency_keys: IdempotencyKeysTable;
  resolved_alerts: ResolvedAlertsTable;
}

/** The first answer to each API request sent with an Idempotency-Key, per principal and route. */
export interface IdempotencyKeysTable {
  /** Principal, method and path: the same key from another caller or route is another request. */
  scope: string;
  key: string;
  /** SHA-256 of the request body: the same key with another body is refused. */
  request_hash: string;
  created_at: string;
  /** Null while the first request is in flight (or died with its process). */
  status: number | null;
  body: string | null;
  completed_at: string | null;
}

/** Firing alerts (by their command's dedupe key) whose resolution was audited: once each. */
export interface ResolvedAlertsTable {
  dedupe_key: string;
  resolved_at: string;
}

/** One row (id 1): the current leadership epoch, bumped by each new leader in its lock session. */
export interface LeadershipTable {
  id: number;
  epoch: number;
  holder: string | null;
  acquired_at: string | null;
}

export interface RolloutsTable {
  name: string;
  phase: string;
  step_index: number;
  percentage: number;
  version: number;
  epoch: number;
  /** The running spec as JSON. */
  spec: string;
  /** The rest of RolloutState as JSON. */
  state: string;
  created_at: string;
  updated_at: string;
}

export interface CommandsTable {
  id: number;
  rollout: string;
  kind: string;
  actor: string;
  reason: string;
  /** full / alert, as JSON. */
  payload: string;
  submitted_at: string;
  status: string;
  result: string | null;
  applied_at: string | null;
  /** Unique when set: a resubmission with the same key finds this command instead of adding one. */
  dedupe_key: string | null;
}

export interface AuditLogTable {
  seq: number;
  at: string;
  rollout: string;
  actor: string;
  action: string;
  from_phase: string | null;
  from_percentage: number | null;
  to_phase: string | null;
  to_percentage: number | null;
  reason: string;
  evidence: string;
  /** Leadership epoch of the writer (0 for a single replica). */
  epoch: number;
}

export interface FlagsTable {
  name: string;
  project: string;
  environment: string;
  enabled: number;
  percentage: number;
  stickiness: string;
  group_id: string;
  /** JSON array of Unleash constraints. */
  constraints: string;
  revision: number;
  updated_at: string;
}
