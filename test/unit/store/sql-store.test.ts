import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { RolloutState } from '../../../src/controller/rollout-state.js';
import { ConflictError } from '../../../src/errors/conflict-error.js';
import { StaleStateError } from '../../../src/errors/stale-state-error.js';
import { openSqliteStore } from '../../../src/store/open-sqlite-store.js';
import type { AuditDraft } from '../../../src/store/store.js';
import { testSpec } from '../../support/controller-harness.js';

const at = new Date('2026-11-30T09:00:00Z');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function state(overrides: Partial<RolloutState> = {}): RolloutState {
  return {
    name: 'mfa-staff',
    spec: testSpec(),
    phase: 'ramping',
    stepIndex: 0,
    percentage: 1,
    stepStartedAt: at,
    lastDataAt: at,
    approvedStep: null,
    reason: null,
    pauseKind: null,
    pendingWrite: {
      write: { action: 'disable' },
      purpose: 'rollback',
      decidedAt: at,
      attempts: 2,
      nextAttemptAt: at,
      lastError: 'x',
    },
    lastWritten: { enabled: true, percentage: 1 },
    hold: null,
    refusedSpecHash: null,
    version: 1,
    epoch: 0,
    updatedAt: at,
    ...overrides,
  };
}

function draft(action: AuditDraft['action']): AuditDraft {
  return {
    at,
    rollout: 'mfa-staff',
    actor: 'rampart',
    action,
    fromPhase: 'pending',
    fromPercentage: 0,
    toPhase: 'ramping',
    toPercentage: 1,
    reason: 'r',
    evidence: { verdicts: [{ n: 412, estimate: 0.862 }] },
  };
}

describe('SQLite store', () => {
  it('creates the file at the configured path with WAL and synchronous=FULL, and keeps data across reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-store-'));
    dirs.push(dir);
    const path = join(dir, 'nested', 'rampart.db');
    const store = await openSqliteStore({ path });
    const journal = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(store.db);
    const sync = await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(store.db);
    expect(journal.rows[0]?.journal_mode).toBe('wal');
    expect(sync.rows[0]?.synchronous).toBe(2);
    await store.createRollout(state(), [draft('created')]);
    await store.close();
    const again = await openSqliteStore({ path });
    expect(await again.getRollout('mfa-staff')).toEqual(state());
    expect((await again.readAudit()).map((e) => e.seq)).toEqual([1]);
    await again.close();
  });

  it('round-trips a rollout state exactly, dates and pending write included', async () => {
    const store = await openSqliteStore({ path: ':memory:' });
    await store.createRollout(state(), []);
    expect(await store.getRollout('mfa-staff')).toEqual(state());
    await expect(store.createRollout(state(), [])).rejects.toBeInstanceOf(ConflictError);
  });

  it('writes a state change and its audit entries in one transaction; a stale version writes neither', async () => {
    const store = await openSqliteStore({ path: ':memory:' });
    await store.createRollout(state(), [draft('created')]);
    const saved = await store.saveRollout(state({ percentage: 5 }), {
      expectedVersion: 1,
      audit: [draft('advanced')],
    });
    expect(saved.state.version).toBe(2);
    expect(saved.audit.map((e) => e.seq)).toEqual([2]);
    await expect(
      store.saveRollout(state({ percentage: 25 }), { expectedVersion: 1, audit: [draft('advanced')] }),
    ).rejects.toBeInstanceOf(StaleStateError);
    expect((await store.getRollout('mfa-staff'))?.percentage).toBe(5);
    expect((await store.readAudit()).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('numbers the audit log contiguously and keeps the evidence JSON', async () => {
    const store = await openSqliteStore({ path: ':memory:' });
    await store.appendAudit([draft('created'), draft('started')]);
    await store.appendAudit([draft('advanced')]);
    const log = await store.readAudit();
    expect(log.map((e) => [e.seq, e.action])).toEqual([
      [1, 'created'],
      [2, 'started'],
      [3, 'advanced'],
    ]);
    expect(log[0]?.evidence).toEqual({ verdicts: [{ n: 412, estimate: 0.862 }] });
    expect((await store.readAudit({ afterSeq: 1, limit: 1 })).map((e) => e.seq)).toEqual([2]);
  });

  it('queues commands in order and records their outcome with the state save', async () => {
    const store = await openSqliteStore({ path: ':memory:' });
    await store.createRollout(state(), []);
    const a = await store.enqueueCommand(
      { rollout: 'mfa-staff', kind: 'pause', actor: 'a', reason: 'r' },
      at,
    );
    const b = await store.enqueueCommand(
      {
        rollout: 'mfa-staff',
        kind: 'alert',
        actor: 'am',
        reason: 'x',
        alert: { labels: { rollout: 'mfa-staff' } },
      },
      at,
    );
    expect((await store.queuedCommands('mfa-staff')).map((c) => c.id)).toEqual([a.id, b.id]);
    expect(b.alert).toEqual({ labels: { rollout: 'mfa-staff' } });
    await store.saveRollout(state(), {
      expectedVersion: 1,
      audit: [],
      commands: [{ id: a.id, status: 'applied', result: 'ok', at }],
    });
    expect((await store.queuedCommands('mfa-staff')).map((c) => c.id)).toEqual([b.id]);
    expect(await store.getCommand(a.id)).toMatchObject({ status: 'applied', result: 'ok', appliedAt: at });
  });

  it('keeps embedded flags with a store-wide revision that moves on every write', async () => {
    const store = await openSqliteStore({ path: ':memory:' });
    const flag = {
      name: 'f',
      project: 'default',
      environment: 'production',
      stickiness: 'userId',
      groupId: 'f',
    };
    expect(await store.flags.revision()).toBe(0);
    await store.flags.put({ ...flag, enabled: true, percentage: 5 }, at);
    await store.flags.put({ ...flag, name: 'g', groupId: 'g', enabled: true, percentage: 1 }, at);
    const r = await store.flags.put({ ...flag, enabled: false, percentage: 5 }, at);
    expect(r).toMatchObject({ enabled: false, percentage: 5, revision: 3 });
    expect(await store.flags.revision()).toBe(3);
    expect((await store.flags.list()).map((f) => f.name)).toEqual(['f', 'g']);
  });
});
