import { expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { draft, state } from './store-contract.js';

const at = new Date('2026-11-30T09:00:00Z');
const alertCommand = (key: string) => ({
  rollout: 'mfa-staff',
  kind: 'alert' as const,
  actor: 'alertmanager:am',
  reason: 'LoginErrors firing',
  alert: { labels: { rollout: 'mfa-staff' }, fingerprint: 'f1', status: 'firing' as const },
  dedupeKey: key,
});

/**
 * What makes commands and alerts exactly-once, for every store (SQLite in the unit project,
 * PostgreSQL in the integration project, the simulator's MemoryStore): dedupe keys on commands,
 * resolved alerts audited once, and the stored first answers of keyed API requests. Call inside a
 * describe block.
 */
export function dedupeContract(open: () => Promise<Store>): void {
  it('queues a command with a dedupe key once: a resubmission returns the first', async () => {
    const store = await open();
    await store.createRollout(state(), []);
    const first = await store.enqueueCommand(alertCommand('alert/mfa-staff/f1/t0'), at);
    await store.saveRollout(state(), {
      expectedVersion: 1,
      audit: [],
      commands: [{ id: first.id, status: 'applied', result: 'rolled back', at }],
    });
    const again = await store.enqueueCommand(
      alertCommand('alert/mfa-staff/f1/t0'),
      new Date(at.getTime() + 1),
    );
    expect(again).toMatchObject({ id: first.id, status: 'applied', dedupeKey: 'alert/mfa-staff/f1/t0' });
    expect(await store.commandByDedupeKey('alert/mfa-staff/f1/t0')).toMatchObject({ id: first.id });
    expect(await store.commandByDedupeKey('alert/mfa-staff/f1/t1')).toBeUndefined();
    // Another firing (another startsAt) and commands without a key are queued as usual.
    const other = await store.enqueueCommand(alertCommand('alert/mfa-staff/f1/t1'), at);
    const plain = { rollout: 'mfa-staff', kind: 'pause' as const, actor: 'a', reason: 'r' };
    const p1 = await store.enqueueCommand(plain, at);
    const p2 = await store.enqueueCommand(plain, at);
    expect(new Set([first.id, other.id, p1.id, p2.id]).size).toBe(4);
    expect(p1).not.toHaveProperty('dedupeKey');
    // Concurrent submissions of one key: one command.
    const racing = await Promise.all(
      [1, 2, 3, 4].map(() =>
        store.enqueueCommand({ ...plain, kind: 'promote', full: false, dedupeKey: 'http/k' }, at),
      ),
    );
    expect(new Set(racing.map((c) => c.id)).size).toBe(1);
  });

  it('audits a resolved alert once, and only when its firing became a command', async () => {
    const store = await open();
    await store.createRollout(state(), []);
    await store.enqueueCommand(alertCommand('alert/mfa-staff/f1/t0'), at);
    const resolved = (firingKey: string) => ({ firingKey, audit: draft('alert_resolved') });
    const noise = Array.from({ length: 1000 }, (_, i) => resolved(`alert/mfa-staff/never-${i}/t0`));
    const posts = [];
    for (let post = 0; post < 11; post++)
      posts.push(await store.auditResolvedAlerts([...noise, resolved('alert/mfa-staff/f1/t0')]));
    expect(posts.map((p) => p.length)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect((await store.readAudit()).map((e) => e.action)).toEqual(['alert_resolved']);
    // The same firing twice in one call is audited once.
    await store.enqueueCommand(alertCommand('alert/mfa-staff/f2/t0'), at);
    const twice = await store.auditResolvedAlerts([
      resolved('alert/mfa-staff/f2/t0'),
      resolved('alert/mfa-staff/f2/t0'),
    ]);
    expect(twice).toHaveLength(1);
  });

  it('keeps the first answer of a keyed request, refuses none, and prunes by age', async () => {
    const { idempotency } = await open();
    const request = { scope: 'alice POST /x', key: 'k1', requestHash: 'h1', createdAt: at };
    const claimed = await idempotency.claim(request);
    expect(claimed).toEqual({ fresh: true, record: { ...request, outcome: null } });
    const again = await idempotency.claim({ ...request, requestHash: 'h2', createdAt: new Date(0) });
    expect(again).toEqual({ fresh: false, record: { ...request, outcome: null } });
    // Another principal or route with the same key is another request.
    expect((await idempotency.claim({ ...request, scope: 'bob POST /x' })).fresh).toBe(true);
    const first = { status: 202, body: '{"id":1}' };
    expect(await idempotency.complete(request.scope, 'k1', first, at)).toEqual(first);
    expect(await idempotency.complete(request.scope, 'k1', { status: 409, body: '{}' }, at)).toEqual(first);
    expect((await idempotency.claim(request)).record.outcome).toEqual(first);
    // release forgets only a request without an answer.
    await idempotency.release(request.scope, 'k1');
    expect((await idempotency.claim(request)).fresh).toBe(false);
    await idempotency.release('bob POST /x', 'k1');
    expect((await idempotency.claim({ ...request, scope: 'bob POST /x' })).fresh).toBe(true);
    const later = { ...request, key: 'k2', createdAt: new Date(at.getTime() + 60_000) };
    await idempotency.claim(later);
    expect(await idempotency.prune(new Date(at.getTime() + 1))).toBe(2);
    expect((await idempotency.claim(request)).fresh).toBe(true);
    expect((await idempotency.claim(later)).fresh).toBe(false);
  });
}
