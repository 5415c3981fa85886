import { describe, expect, it } from 'vitest';
import { WRITE_RETRY_CAP_MS, writeRetryDelayMs } from '../../../src/controller/backoff.js';
import { makeHarness, testSpec } from '../../support/controller-harness.js';

const FLAG = testSpec().flag;

async function rampedTo5() {
  const h = await makeHarness();
  await h.controller.register(testSpec());
  await h.step('mfa-staff', 0);
  const r = await h.step('mfa-staff', 60_000);
  expect(r.state.percentage).toBe(5);
  return h;
}

describe('controller: rollback', () => {
  it('rolls back on a failing guardrail: flag disabled, read back, confirmed, latched', async () => {
    const h = await rampedTo5();
    h.verdicts.script = { status: 'fail', guardrail: 'login-success' };
    const r = await h.step('mfa-staff');
    expect(r.state).toMatchObject({ phase: 'rolled_back', percentage: 0, pendingWrite: null });
    expect(r.state.lastWritten).toEqual({ enabled: false, percentage: 0 });
    // Off and at 0 %: a person who turns the flag back on exposes nobody.
    expect(await h.embedded.read(FLAG)).toMatchObject({ enabled: false, percentage: 0 });
    const audit = await h.store.readAudit({ rollout: 'mfa-staff' });
    const rolled = audit.find((e) => e.action === 'rolled_back');
    expect(rolled).toMatchObject({
      fromPhase: 'ramping',
      fromPercentage: 5,
      toPhase: 'rolled_back',
      toPercentage: 0,
    });
    expect(JSON.stringify(rolled?.evidence)).toContain('login-success');
    expect(audit.at(-1)?.action).toBe('rollback_confirmed');
    expect(h.notifier.sent.some((n) => n.toPhase === 'rolled_back')).toBe(true);

    // Latched: passing guardrails for an hour change nothing.
    h.verdicts.script = { status: 'pass' };
    for (let i = 0; i < 360; i++) expect((await h.step('mfa-staff')).state.phase).toBe('rolled_back');
    expect(await h.embedded.read(FLAG)).toMatchObject({ enabled: false });
    expect((await h.store.readAudit({ rollout: 'mfa-staff' })).length).toBe(audit.length);
  });

  it('a flapping guardrail (fail, pass, fail, ...) causes exactly one rollback and no re-ramp', async () => {
    const h = await rampedTo5();
    let i = 0;
    h.verdicts.script = () => ({ status: i++ % 2 === 0 ? 'fail' : 'pass', guardrail: 'login-success' });
    const writesBefore = h.backend.writes;
    for (let k = 0; k < 100; k++) await h.step('mfa-staff');
    const actions = await h.actions('mfa-staff');
    expect(actions.filter((a) => a === 'rolled_back')).toHaveLength(1);
    expect(actions.filter((a) => a === 'advanced' || a === 'started')).toHaveLength(2);
    expect(h.backend.writes - writesBefore).toBe(1);
    expect(await h.embedded.read(FLAG)).toMatchObject({ enabled: false });
  });

  it('rolls back to rollout 0 (environment on) when the spec says rollback: zero', async () => {
    const h = await makeHarness();
    await h.controller.register(testSpec({ rollback: 'zero' }));
    await h.step('mfa-staff', 0);
    h.verdicts.script = { status: 'fail' };
    const r = await h.step('mfa-staff');
    expect(r.state.phase).toBe('rolled_back');
    expect(await h.embedded.read(FLAG)).toMatchObject({ enabled: true, percentage: 0 });
  });

  it('retries a failing rollback write with capped exponential backoff until the backend answers, auditing once', async () => {
    const h = await rampedTo5();
    h.backend.failWrites = 6;
    h.verdicts.script = { status: 'fail' };
    const first = await h.step('mfa-staff');
    expect(first.state.phase).toBe('rolled_back');
    expect(first.state.pendingWrite).toMatchObject({ purpose: 'rollback', attempts: 1 });
    expect(await h.embedded.read(FLAG)).toMatchObject({ enabled: true, percentage: 5 });

    // Drive the rollout by the scheduler so retries run at their backoff times, not only every tick.
    const attemptsAt: number[] = [];
    const t0 = h.clock.now().getTime();
    let seen = h.backend.writes;
    h.scheduler.add('mfa-staff', 10_000);
    for (let s = 0; s < 200 && (await h.store.getRollout('mfa-staff'))?.pendingWrite; s++) {
      await h.ticker.advance(500);
      await h.scheduler.idle();
      if (h.backend.writes !== seen) {
        seen = h.backend.writes;
        attemptsAt.push(h.clock.now().getTime() - t0);
      }
    }
    h.scheduler.stop();
    const state = await h.store.getRollout('mfa-staff');
    expect(state).toMatchObject({ phase: 'rolled_back', pendingWrite: null });
    expect(h.backend.failedWrites).toBe(6);
    expect(await h.embedded.read(FLAG)).toMatchObject({ enabled: false });
    // Retries 1 s, 2 s, 4 s, 8 s, 16 s, 32 s after each failure (the 10 s interval ticks in between may come first).
    const gaps = attemptsAt.map((t, k) => t - (attemptsAt[k - 1] ?? 0));
    for (const gap of gaps) expect(gap).toBeLessThanOrEqual(32_000);
    expect(attemptsAt.at(-1)).toBeGreaterThanOrEqual(1_000 + 2_000 + 4_000 + 8_000 + 10_000);
    const actions = await h.actions('mfa-staff');
    expect(actions.filter((a) => a === 'rolled_back')).toHaveLength(1);
    expect(actions.filter((a) => a === 'rollback_confirmed')).toHaveLength(1);
    const confirmed = (await h.store.readAudit({ rollout: 'mfa-staff' })).at(-1);
    expect(confirmed?.evidence).toMatchObject({ attempts: 7 });
  });

  it('caps the retry delay', () => {
    expect([1, 2, 3, 4].map(writeRetryDelayMs)).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(writeRetryDelayMs(50)).toBe(WRITE_RETRY_CAP_MS);
  });

  it('rolls back on a matching alert and ignores one that does not match', async () => {
    const h = await rampedTo5();
    const other = await h.scheduler.applyNow({
      rollout: 'mfa-staff',
      kind: 'alert',
      actor: 'alertmanager',
      reason: 'LoginFailuresHigh',
      alert: { labels: { rollout: 'someone-else' }, fingerprint: 'a1' },
    });
    expect(other).toMatchObject({ status: 'ignored' });
    expect((await h.store.getRollout('mfa-staff'))?.phase).toBe('ramping');
    const mine = await h.scheduler.applyNow({
      rollout: 'mfa-staff',
      kind: 'alert',
      actor: 'alertmanager',
      reason: 'LoginFailuresHigh',
      alert: { labels: { rollout: 'mfa-staff', alertname: 'LoginFailuresHigh' }, fingerprint: 'b2' },
    });
    expect(mine).toMatchObject({ status: 'applied' });
    const state = await h.store.getRollout('mfa-staff');
    expect(state).toMatchObject({ phase: 'rolled_back', pendingWrite: null });
    const entry = (await h.store.readAudit({ rollout: 'mfa-staff' })).find((e) => e.action === 'rolled_back');
    expect(entry).toMatchObject({ actor: 'alertmanager', reason: 'alert: LoginFailuresHigh' });
    expect(entry?.evidence).toMatchObject({ fingerprint: 'b2' });
  });

  it('keeps retrying a step write that fails, without advancing, and rolls back over it on a failure', async () => {
    const h = await rampedTo5();
    h.clock.advance(60_000);
    h.backend.failWrites = Number.POSITIVE_INFINITY;
    const r = await h.step('mfa-staff');
    expect(r.state).toMatchObject({ percentage: 25, pendingWrite: { purpose: 'step', attempts: 1 } });
    const held = await h.step('mfa-staff', 60_000);
    expect(held.state.percentage).toBe(25);
    expect(held.hold).toMatch(/flag write/);
    h.verdicts.script = { status: 'fail' };
    h.backend.failWrites = 0;
    const rolled = await h.step('mfa-staff');
    expect(rolled.state).toMatchObject({ phase: 'rolled_back', pendingWrite: null });
    expect(await h.embedded.read(FLAG)).toMatchObject({ enabled: false });
  });
});

describe('controller: changes made by hand', () => {
  it('pauses with "changed outside rampart", audits once, and does not write over the person', async () => {
    const h = await rampedTo5();
    await h.embedded.setPercentage(FLAG, 40);
    const writes = h.backend.writes;
    const r = await h.step('mfa-staff');
    expect(r.state).toMatchObject({ phase: 'paused', pauseKind: 'external_change' });
    expect(r.state.reason).toMatch(/changed outside rampart: expected on at 5 %, read on at 40 %/);
    for (let i = 0; i < 20; i++) await h.step('mfa-staff', 60_000);
    expect(h.backend.writes).toBe(writes);
    expect(await h.embedded.read(FLAG)).toMatchObject({ enabled: true, percentage: 40 });
    expect((await h.actions('mfa-staff')).filter((a) => a === 'external_change')).toHaveLength(1);

    // A person resumes: rampart re-asserts its step once and ramps on.
    await h.scheduler.applyNow({
      rollout: 'mfa-staff',
      kind: 'resume',
      actor: 'alice',
      reason: 'checked, go on',
    });
    expect(await h.embedded.read(FLAG)).toMatchObject({ enabled: true, percentage: 5 });
    expect((await h.store.getRollout('mfa-staff'))?.phase).toBe('ramping');
  });
});
