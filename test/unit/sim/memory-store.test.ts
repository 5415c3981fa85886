import { describe, expect, it } from 'vitest';
import { newRollout } from '../../../src/controller/new-rollout.js';
import { MemoryStore } from '../../../src/sim/memory-store.js';
import { dedupeContract } from '../../support/store-dedupe-contract.js';
import { loadFixture } from './sim-helpers.js';

const spec = (await loadFixture('test/fixtures/scenarios/valid-inline-spec.yaml')).spec;
const at = new Date('2026-11-30T09:00:00Z');

describe('MemoryStore honours the Store contract', () => {
  dedupeContract(async () => new MemoryStore());

  it('checks and bumps versions, numbers audit entries from 1 without gaps', async () => {
    const store = new MemoryStore();
    const { state, audit } = newRollout(spec, 'test', at);
    await store.createRollout(state, [audit]);
    await expect(store.createRollout(state, [])).rejects.toMatchObject({
      name: 'RequestError',
      code: 'conflict',
    });
    const loaded = await store.getRollout(spec.name);
    if (!loaded) throw new Error('missing');
    const saved = await store.saveRollout(
      { ...loaded, hold: 'x' },
      { expectedVersion: loaded.version, audit: [audit, audit] },
    );
    expect(saved.state.version).toBe(loaded.version + 1);
    expect(saved.audit.map((e) => e.seq)).toEqual([2, 3]);
    await expect(
      store.saveRollout(loaded, { expectedVersion: loaded.version, audit: [] }),
    ).rejects.toMatchObject({ name: 'StoreError', code: 'stale_state' });
    expect((await store.readAudit({ afterSeq: 1, limit: 1 })).map((e) => e.seq)).toEqual([2]);
  });

  it('hands out copies: changing a read state does not change the store', async () => {
    const store = new MemoryStore();
    const { state, audit } = newRollout(spec, 'test', at);
    await store.createRollout(state, [audit]);
    const a = await store.getRollout(spec.name);
    if (!a) throw new Error('missing');
    a.phase = 'completed';
    a.stepStartedAt.setTime(0);
    const b = await store.getRollout(spec.name);
    expect(b?.phase).toBe(state.phase);
    expect(b?.stepStartedAt.getTime()).toBe(state.stepStartedAt.getTime());
  });

  it('queues commands and resolves each once', async () => {
    const store = new MemoryStore();
    const { state, audit } = newRollout(spec, 'test', at);
    await store.createRollout(state, [audit]);
    const c = await store.enqueueCommand({ rollout: spec.name, kind: 'pause', actor: 'a', reason: 'r' }, at);
    expect((await store.queuedCommands(spec.name)).map((x) => x.id)).toEqual([c.id]);
    await store.saveRollout(state, {
      expectedVersion: state.version,
      audit: [],
      commands: [{ id: c.id, status: 'applied', result: 'paused', at }],
    });
    expect(await store.queuedCommands(spec.name)).toEqual([]);
    expect((await store.getCommand(c.id))?.status).toBe('applied');
  });
});
