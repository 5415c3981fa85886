import type { Kysely, Selectable } from 'kysely';
import { RequestError } from '../errors/request-error.js';
import { StoreError } from '../errors/store-error.js';
import type { Phase } from '../rollout/phase.js';
import type { RolloutState, StepStart } from '../rollout/rollout-state.js';
import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import type { Database, RolloutsTable } from './database.js';

type Row = Selectable<RolloutsTable>;
type Rest = Omit<RolloutState, 'name' | 'spec' | 'phase' | 'stepIndex' | 'percentage' | 'version' | 'epoch'>;

const DATE_FIELDS = ['stepStartedAt', 'lastDataAt', 'updatedAt'] as const;

function toRow(state: RolloutState, createdAt: string): Row {
  const { name, spec, phase, stepIndex, percentage, version, epoch, ...rest } = state;
  return {
    name,
    phase,
    step_index: stepIndex,
    percentage,
    version,
    epoch,
    spec: JSON.stringify(spec),
    state: JSON.stringify(rest),
    created_at: createdAt,
    updated_at: state.updatedAt.toISOString(),
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * The last state parsed from each row, per database: every read of the API would otherwise parse
 * the same JSON again. A hit needs the row to be identical (texts and columns), so another
 * replica's write is never hidden. Shared between readers, hence frozen: states are never changed
 * in place (the controller derives new ones).
 */
const parsed = new WeakMap<object, Map<string, { row: Row; state: RolloutState }>>();

function sameRow(a: Row, b: Row): boolean {
  return (
    a.version === b.version &&
    a.epoch === b.epoch &&
    a.phase === b.phase &&
    a.step_index === b.step_index &&
    a.percentage === b.percentage &&
    a.state === b.state &&
    a.spec === b.spec
  );
}

function cachedFromRow(db: object, row: Row): RolloutState {
  let rows = parsed.get(db);
  if (!rows) {
    rows = new Map();
    parsed.set(db, rows);
  }
  const hit = rows.get(row.name);
  if (hit && sameRow(hit.row, row)) return hit.state;
  const state = deepFreeze(fromRow(row));
  rows.set(row.name, { row, state });
  return state;
}

function fromRow(row: Row): RolloutState {
  const rest = JSON.parse(row.state) as Record<string, unknown>;
  for (const field of DATE_FIELDS) rest[field] = new Date(rest[field] as string);
  rest.stepStarts = stepStartsOf(rest, row);
  // A row written before `started` existed has none: null (a pending one then waits for its start).
  const started = rest.started as Record<string, unknown> | null | undefined;
  rest.started = started ? { ...started, at: new Date(started.at as string) } : null;
  const pending = rest.pendingWrite as Record<string, unknown> | null;
  if (pending) {
    pending.decidedAt = new Date(pending.decidedAt as string);
    pending.nextAttemptAt = new Date(pending.nextAttemptAt as string);
  }
  return {
    ...(rest as unknown as Rest),
    name: row.name,
    spec: JSON.parse(row.spec) as RolloutSpec,
    phase: row.phase as Phase,
    stepIndex: row.step_index,
    percentage: row.percentage,
    version: row.version,
    epoch: row.epoch,
  };
}

/**
 * The run's step starts. The state is a JSON column, so the field needs no schema migration; a row
 * written before it existed gets its current step as the run's only stratum (the cumulative tests
 * then start at that step, as the per-step tests did).
 */
function stepStartsOf(rest: Record<string, unknown>, row: Row): StepStart[] {
  const stored = rest.stepStarts as { stepIndex: number; percentage: number; at: string }[] | undefined;
  if (Array.isArray(stored)) return stored.map((s) => ({ ...s, at: new Date(s.at) }));
  if (row.step_index < 0) return [];
  return [{ stepIndex: row.step_index, percentage: row.percentage, at: rest.stepStartedAt as Date }];
}

export async function getRollout(db: Kysely<Database>, name: string): Promise<RolloutState | undefined> {
  const row = await db.selectFrom('rollouts').selectAll().where('name', '=', name).executeTakeFirst();
  return row && cachedFromRow(db, row);
}

export async function listRollouts(db: Kysely<Database>): Promise<RolloutState[]> {
  const rows = await db.selectFrom('rollouts').selectAll().orderBy('name').execute();
  return rows.map((row) => cachedFromRow(db, row));
}

export async function insertRollout(db: Kysely<Database>, state: RolloutState): Promise<void> {
  const exists = await db
    .selectFrom('rollouts')
    .select('name')
    .where('name', '=', state.name)
    .executeTakeFirst();
  if (exists) throw new RequestError('conflict', `rollout ${state.name} already exists`);
  await db.insertInto('rollouts').values(toRow(state, state.updatedAt.toISOString())).execute();
}

/**
 * Writes `state` over version `expectedVersion`; throws StoreError `stale_state` when it moved on, or when
 * the row was last written under a newer leadership epoch than `state.epoch`.
 */
export async function updateRollout(
  db: Kysely<Database>,
  state: RolloutState,
  expectedVersion: number,
): Promise<void> {
  const { created_at: _unused, name, ...values } = toRow(state, '');
  const result = await db
    .updateTable('rollouts')
    .set(values)
    .where('name', '=', name)
    .where('version', '=', expectedVersion)
    .where('epoch', '<=', state.epoch)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) {
    throw new StoreError(
      'stale_state',
      `rollout ${name} changed since version ${expectedVersion} was read; not saved`,
    );
  }
}
