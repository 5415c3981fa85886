import { expect, it } from 'vitest';
import type { AuditDraft } from '../../src/rollout/audit.js';
import type { RolloutState } from '../../src/rollout/rollout-state.js';
import { WriterFence } from '../../src/store/fence.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { testSpec } from './controller-harness.js';

const at = new Date('2026-11-30T09:00:00Z');

export function state(overrides: Partial<RolloutState> = {}): RolloutState {
  return {
    name: 'mfa-staff',
    spec: testSpec(),
    phase: 'ramping',
    stepIndex: 0,
    percentage: 1,
    stepStartedAt: at,
    stepStarts: [{ stepIndex: 0, percentage: 1, at }],
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
    started: null,
    version: 1,
    epoch: 0,
    updatedAt: at,
    ...overrides,
  };
}

export function draft(action: AuditDraft['action']): AuditDraft {
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

/** Opens a fresh, empty store of the dialect under test (with `fence` when given). */
export type OpenStore = (fence?: WriterFence) => Promise<SqlStore>;

/**
 * The Store contract every dialect honours (SQLite in the unit project, PostgreSQL in the
 * integration project). Call inside a describe block.
 */
export function storeContract(open: OpenStore): void {
  it('round-trips a rollout state exactly, dates and pending write included', async () => {
    const store = await open();
    await store.createRollout(state(), []);
    expect(await store.getRollout('mfa-staff')).toEqual(state());
    await expect(store.createRollout(state(), [])).rejects.toMatchObject({
      name: 'RequestError',
      code: 'conflict',
    });
  });

  it('writes a state change and its audit entries in one transaction; a stale version writes neither', async () => {
    const store = await open();
    await store.createRollout(state(), [draft('created')]);
    const saved = await store.saveRollout(state({ percentage: 5 }), {
      expectedVersion: 1,
      audit: [draft('advanced')],
    });
    expect(saved.state.version).toBe(2);
    expect(saved.audit.map((e) => e.seq)).toEqual([2]);
    await expect(
      store.saveRollout(state({ percentage: 25 }), { expectedVersion: 1, audit: [draft('advanced')] }),
    ).rejects.toMatchObject({ name: 'StoreError', code: 'stale_state' });
    expect((await store.getRollout('mfa-staff'))?.percentage).toBe(5);
    expect((await store.readAudit()).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('numbers the audit log contiguously and keeps the evidence JSON', async () => {
    const store = await open();
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
    // Newest first: a limit keeps the newest entries; beforeSeq pages further back.
    expect((await store.readAudit({ order: 'desc', limit: 2 })).map((e) => e.seq)).toEqual([3, 2]);
    expect((await store.readAudit({ order: 'desc', beforeSeq: 3 })).map((e) => e.seq)).toEqual([2, 1]);
  });

  it('queues commands in order and records their outcome with the state save', async () => {
    const store = await open();
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
    expect(b).toMatchObject({ kind: 'alert', alert: { labels: { rollout: 'mfa-staff' } } });
    await store.saveRollout(state(), {
      expectedVersion: 1,
      audit: [],
      commands: [{ id: a.id, status: 'applied', result: 'ok', at }],
    });
    expect((await store.queuedCommands('mfa-staff')).map((c) => c.id)).toEqual([b.id]);
    expect(await store.getCommand(a.id)).toMatchObject({ status: 'applied', result: 'ok', appliedAt: at });
  });

  it('keeps embedded flags with a store-wide revision that moves on every write', async () => {
    const store = await open();
    const flag = {
      name: 'f',
      project: 'default',
      environment: 'production',
      stickiness: 'userId',
      groupId: 'f',
      constraints: [],
    };
    expect(await store.flags.revision()).toBe(0);
    await store.flags.put({ ...flag, enabled: true, percentage: 5 }, at);
    await store.flags.put({ ...flag, name: 'g', groupId: 'g', enabled: true, percentage: 1 }, at);
    const r = await store.flags.put({ ...flag, enabled: false, percentage: 5 }, at);
    expect(r).toMatchObject({ enabled: false, percentage: 5, revision: 3 });
    expect(await store.flags.revision()).toBe(3);
    expect((await store.flags.list()).map((f) => f.name)).toEqual(['f', 'g']);
  });

  it("keeps an embedded flag's constraints as written", async () => {
    const store = await open();
    const constraints = [
      {
        contextName: 'accountType',
        operator: 'IN' as const,
        values: ['staff'],
        inverted: false,
        caseInsensitive: false,
      },
      {
        contextName: 'tenant',
        operator: 'NUM_GT' as const,
        value: '3',
        inverted: true,
        caseInsensitive: false,
      },
    ];
    const flag = {
      name: 'f',
      project: 'default',
      environment: 'production',
      stickiness: 'userId',
      groupId: 'f',
    };
    await store.flags.put({ ...flag, enabled: true, percentage: 5, constraints }, at);
    expect((await store.flags.get(flag))?.constraints).toEqual(constraints);
    await store.flags.put({ ...flag, enabled: true, percentage: 5, constraints: [] }, at);
    expect((await store.flags.list())[0]?.constraints).toEqual([]);
  });

  it('fences state writes: none without an epoch, none with a superseded one, audit carries the epoch', async () => {
    const fence = new WriterFence();
    const store = await open(fence);
    await expect(store.createRollout(state(), [draft('created')])).rejects.toMatchObject({
      name: 'StoreError',
      code: 'fenced',
    });
    await store.db.updateTable('leadership').set({ epoch: 3, holder: 'a' }).where('id', '=', 1).execute();
    fence.grant(3);
    const created = await store.createRollout(state(), [draft('created')]);
    expect(created.epoch).toBe(3);
    const flag = {
      name: 'f',
      project: 'p',
      environment: 'e',
      stickiness: 'userId',
      groupId: 'f',
      constraints: [],
    };
    await store.flags.put({ ...flag, enabled: true, percentage: 1 }, at);
    // A newer leader took epoch 4: the old epoch's state and flag writes are refused.
    await store.db.updateTable('leadership').set({ epoch: 4, holder: 'b' }).where('id', '=', 1).execute();
    await expect(
      store.saveRollout(state({ percentage: 5 }), { expectedVersion: 1, audit: [draft('advanced')] }),
    ).rejects.toMatchObject({ name: 'StoreError', code: 'fenced' });
    await expect(store.flags.put({ ...flag, enabled: true, percentage: 5 }, at)).rejects.toMatchObject({
      name: 'StoreError',
      code: 'fenced',
    });
    expect((await store.getRollout('mfa-staff'))?.percentage).toBe(1);
    expect((await store.flags.get(flag))?.percentage).toBe(1);
    fence.grant(4);
    const saved = await store.saveRollout(state({ percentage: 5, epoch: 3 }), {
      expectedVersion: 1,
      audit: [draft('advanced')],
    });
    expect(saved.state.epoch).toBe(4);
    expect((await store.readAudit()).map((e) => [e.seq, e.epoch])).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(await store.leadership()).toMatchObject({ epoch: 4, holder: 'b' });
    // Commands and received-alert audit entries are accepted by any replica, leader or not.
    fence.revoke();
    const [resolved] = await store.appendAudit([draft('alert_resolved')]);
    expect(resolved).toMatchObject({ seq: 3, epoch: 4 });
    const queued = await store.enqueueCommand(
      { rollout: 'mfa-staff', kind: 'pause', actor: 'a', reason: 'r' },
      at,
    );
    expect(queued.status).toBe('queued');
  });
}
