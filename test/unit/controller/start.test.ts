import { describe, expect, it } from 'vitest';
import type { RolloutSpecInput } from '../../../src/rollout-spec/rollout-spec-schema.js';
import { makeHarness, testSpec } from '../../support/controller-harness.js';

const FLAG = testSpec().flag;
const by = { rollout: 'mfa-staff', actor: 'alice', reason: 'staff first' };

async function registered(overrides: Partial<RolloutSpecInput>, start?: number) {
  const h = await makeHarness(start);
  await h.controller.register(testSpec(overrides));
  return h;
}

describe('explicit start', () => {
  it('a manual rollout stays pending and writes nothing to the flag until rampart start', async () => {
    const h = await registered({ start: 'manual' });
    for (let i = 0; i < 30; i++) {
      const r = await h.step('mfa-staff', 60_000);
      expect(r.state).toMatchObject({ phase: 'pending', percentage: 0, pendingWrite: null });
      expect(r.hold).toBe('waits for rampart start');
    }
    expect(await h.embedded.read(FLAG)).toMatchObject({ exists: false });
    expect(h.backend.writes).toBe(0);
    expect(h.verdicts.requests).toHaveLength(0);

    await h.scheduler.applyNow({ ...by, kind: 'start' });
    expect(await h.store.getRollout('mfa-staff')).toMatchObject({
      phase: 'ramping',
      percentage: 1,
      started: { actor: 'alice', reason: 'staff first' },
    });
    expect(await h.embedded.read(FLAG)).toMatchObject({ exists: true, enabled: true, percentage: 1 });
    const tail = (await h.store.readAudit({ rollout: 'mfa-staff' })).slice(-2);
    expect(tail).toMatchObject([
      { action: 'start_requested', actor: 'alice', toPhase: 'pending' },
      { action: 'started', actor: 'alice', reason: 'started by alice: staff first', toPercentage: 1 },
    ]);
  });

  it('a second start, or a start once running, is a conflict', async () => {
    // 14:30 Berlin: inside the deny hour, so the first start waits for the window.
    const h = await registered(
      { start: 'manual', windows: { deny: ['* 14 * * *'], timezone: 'Europe/Berlin' } },
      Date.parse('2026-11-30T13:30:00Z'),
    );
    await h.scheduler.applyNow({ ...by, kind: 'start' });
    expect(await h.store.getRollout('mfa-staff')).toMatchObject({
      phase: 'pending',
      hold: 'outside the allowed windows',
    });
    expect(await h.embedded.read(FLAG)).toMatchObject({ exists: false });
    await expect(h.scheduler.applyNow({ ...by, kind: 'start' })).rejects.toThrow(/already started by alice/);
    // The window opens at 15:00 Berlin: the recorded start goes on by itself.
    expect((await h.step('mfa-staff', 30 * 60_000)).state).toMatchObject({ phase: 'ramping', percentage: 1 });
    await expect(h.scheduler.applyNow({ ...by, kind: 'start' })).rejects.toThrow(
      /cannot start rollout mfa-staff in phase ramping \(valid in: pending\)/,
    );
  });

  it('start: auto starts at the first tick', async () => {
    const h = await registered({ start: 'auto' });
    const r = await h.step('mfa-staff', 0);
    expect(r.state).toMatchObject({ phase: 'ramping', percentage: 1, started: { actor: 'rampart' } });
    expect((await h.store.readAudit({ rollout: 'mfa-staff' })).at(-1)).toMatchObject({
      action: 'started',
      actor: 'rampart',
      reason: 'start: auto',
    });
  });

  it('a start time starts at the first tick at or after it, and windows still apply', async () => {
    const h = await registered(
      {
        start: '2026-11-30T15:20:00+01:00',
        windows: { deny: ['* 15 * * *'], timezone: 'Europe/Berlin' },
      },
      Date.parse('2026-11-30T14:00:00Z'), // 15:00 Berlin
    );
    const before = await h.step('mfa-staff', 10 * 60_000); // 15:10
    expect(before.state.phase).toBe('pending');
    expect(before.hold).toBe('starts at 2026-11-30T15:20:00+01:00');
    const denied = await h.step('mfa-staff', 20 * 60_000); // 15:30: time reached, deny hour
    expect(denied.state.phase).toBe('pending');
    expect(denied.hold).toBe('outside the allowed windows');
    expect(await h.embedded.read(FLAG)).toMatchObject({ exists: false });
    const after = await h.step('mfa-staff', 30 * 60_000); // 16:00
    expect(after.state).toMatchObject({ phase: 'ramping', percentage: 1 });
    expect((await h.store.readAudit({ rollout: 'mfa-staff' })).at(-1)).toMatchObject({
      action: 'started',
      reason: 'start time 2026-11-30T15:20:00+01:00 reached',
    });
  });

  it('a restart of a rolled-back rollout is its start: it does not wait for another', async () => {
    const h = await registered({ start: 'manual' });
    await h.scheduler.applyNow({ ...by, kind: 'start' });
    await h.scheduler.applyNow({ ...by, kind: 'rollback' });
    await h.step('mfa-staff');
    await h.scheduler.applyNow({ ...by, kind: 'resume', reason: 'fixed' });
    expect(await h.store.getRollout('mfa-staff')).toMatchObject({ phase: 'ramping', percentage: 1 });
  });
});
