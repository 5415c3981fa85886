import { expect } from 'vitest';
import type { AuditEntry } from '../../src/rollout/audit.js';
import type { QueuedCommand } from '../../src/rollout/command.js';
import type { SqlStore } from '../../src/store/sql-store.js';

export interface HaOutcome {
  audit: AuditEntry[];
  commands: QueuedCommand[];
}

/** Everything the store holds about the HA rollout, read without a fence. */
export async function readOutcome(store: SqlStore): Promise<HaOutcome> {
  const audit = await store.readAudit();
  const ids = await store.db.selectFrom('commands').select('id').orderBy('id').execute();
  const commands: QueuedCommand[] = [];
  for (const { id } of ids) {
    const command = await store.getCommand(Number(id));
    if (command) commands.push(command);
  }
  return { audit, commands };
}

/**
 * The invariants of several replicas: the audit log is gap-free; every step was entered once, in
 * order (none skipped, none repeated); epochs never go back along the log (a deposed leader never
 * wrote after a newer one); every command accepted was applied, rejected or ignored, none lost, and
 * each applied pause/resume is in the audit log once.
 */
export function expectHaInvariants(
  outcome: HaOutcome,
  steps: readonly number[],
  acceptedCommandIds: readonly number[],
): void {
  const { audit, commands } = outcome;
  expect(audit.map((e) => e.seq)).toEqual(audit.map((_, i) => i + 1));
  const entered = audit.flatMap((e) =>
    e.action === 'started' || e.action === 'advanced' ? [e.toPercentage] : [],
  );
  expect(entered).toEqual(steps.slice(0, entered.length));
  for (const e of audit.filter((a) => a.action === 'advanced')) {
    expect(steps.indexOf(e.toPercentage ?? -1)).toBe(steps.indexOf(e.fromPercentage ?? -1) + 1);
  }
  const epochs = audit.map((e) => e.epoch ?? 0);
  expect(epochs).toEqual([...epochs].sort((a, b) => a - b));
  expect(commands.map((c) => c.id)).toEqual(commands.map((_, i) => i + 1));
  expect(commands.filter((c) => c.status === 'queued')).toEqual([]);
  // Each applied pause/resume left exactly one audit entry (reasons are unique in these tests).
  const ACTION = { pause: 'paused', resume: 'resumed' } as const;
  for (const c of commands) {
    if (c.status !== 'applied' || (c.kind !== 'pause' && c.kind !== 'resume')) continue;
    const entries = audit.filter((e) => e.reason === c.reason && e.actor === c.actor);
    expect(entries.map((e) => e.action)).toEqual([ACTION[c.kind]]);
  }
  const known = new Set(commands.map((c) => c.id));
  for (const id of acceptedCommandIds) expect(known.has(id)).toBe(true);
}
