import { describe, expect, it } from 'vitest';
import type { AlertCommand } from '../../../src/rollout/command.js';
import type { RolloutSpecInput } from '../../../src/rollout-spec/rollout-spec-schema.js';
import { type Harness, makeHarness, testSpec } from '../../support/controller-harness.js';

const FLAG = testSpec().flag;
const SOAK_MS = 30 * 60_000;
const GUARDRAILS: RolloutSpecInput['guardrails'] = [
  {
    name: 'login-success',
    compare: { metric: 'login_attempts_total', good: { result: 'success' }, maxDrop: 0.05 },
  },
  { name: 'error-ratio', threshold: { scalar: { metric: 'http_errors_total' }, max: 10 } },
  { name: 'owner-mismatch', zero: { metric: 'mfa_enrollment_owner_mismatch_total' } },
];
const ALERT: Omit<AlertCommand, 'reason'> = {
  rollout: 'mfa-staff',
  kind: 'alert',
  actor: 'alertmanager',
  alert: { labels: { rollout: 'mfa-staff', alertname: 'LoginErrors' }, fingerprint: 'f1' },
};

/** A rollout promoted straight to 100 %, soaking there. */
async function soaking(overrides: Partial<RolloutSpecInput> = {}): Promise<Harness> {
  const h = await makeHarness();
  await h.controller.register(testSpec({ soak: '30m', guardrails: GUARDRAILS, ...overrides }));
  await h.step('mfa-staff', 0);
  await h.scheduler.applyNow({
    rollout: 'mfa-staff',
    kind: 'promote',
    full: true,
    actor: 'rm',
    reason: 'go',
  });
  expect(await h.store.getRollout('mfa-staff')).toMatchObject({ phase: 'soaking', percentage: 100 });
  return h;
}

describe('soak at 100 %', () => {
  it('entering the last step by an advance soaks instead of completing', async () => {
    const h = await makeHarness();
    await h.controller.register(testSpec({ steps: [50, 100], soak: '30m', guardrails: GUARDRAILS }));
    await h.step('mfa-staff', 0);
    const r = await h.step('mfa-staff', 60_000);
    expect(r.state).toMatchObject({ phase: 'soaking', percentage: 100, stepIndex: 1 });
    expect((await h.store.readAudit({ rollout: 'mfa-staff' })).at(-1)).toMatchObject({
      action: 'advanced',
      toPhase: 'soaking',
      toPercentage: 100,
    });
    expect(await h.embedded.read(FLAG)).toMatchObject({ enabled: true, percentage: 100 });
  });

  it('asks only the guardrails that judge without a control arm, then completes after the soak', async () => {
    const h = await soaking();
    const asked = h.verdicts.requests.length;
    const mid = await h.step('mfa-staff', SOAK_MS - 10_000);
    expect(mid.state.phase).toBe('soaking');
    expect(mid.hold).toBe('soaking: 1790s of 30m');
    const req = h.verdicts.requests.at(-1);
    expect(h.verdicts.requests.length).toBe(asked + 1);
    expect(req?.spec.guardrails.map((g) => g.name)).toEqual(['error-ratio', 'owner-mismatch']);
    const done = await h.step('mfa-staff', 10_000);
    expect(done.state).toMatchObject({ phase: 'completed', percentage: 100 });
    expect((await h.store.readAudit({ rollout: 'mfa-staff' })).at(-1)).toMatchObject({
      action: 'completed',
      fromPhase: 'soaking',
      toPhase: 'completed',
      reason: 'soaked 30m at 100 % without a rollback',
    });
    expect(await h.embedded.read(FLAG)).toMatchObject({ enabled: true, percentage: 100 });
  });

  for (const guardrail of ['error-ratio', 'owner-mismatch']) {
    it(`a failing ${guardrail} guardrail rolls back during the soak`, async () => {
      const h = await soaking();
      h.verdicts.script = { status: 'fail', guardrail };
      const r = await h.step('mfa-staff', 10 * 60_000);
      expect(r.state).toMatchObject({ phase: 'rolled_back', percentage: 0 });
      expect(r.state.reason).toContain(guardrail);
      expect(await h.embedded.read(FLAG)).toMatchObject({ enabled: false });
    });
  }

  it('a matching alert rolls back during the soak', async () => {
    const h = await soaking();
    await h.scheduler.applyNow({ ...ALERT, reason: 'LoginErrors' });
    expect(await h.store.getRollout('mfa-staff')).toMatchObject({ phase: 'rolled_back', percentage: 0 });
    expect(await h.embedded.read(FLAG)).toMatchObject({ enabled: false });
  });

  it('no data at the soak end holds the completion', async () => {
    const h = await soaking();
    await h.step('mfa-staff', SOAK_MS - 10_000);
    h.verdicts.script = { status: 'error' };
    const r = await h.step('mfa-staff', 10_000);
    expect(r.state.phase).toBe('soaking');
    expect(r.hold).toBe('soak over; waiting for guardrail data before completing');
    h.verdicts.script = { status: 'pass' };
    expect((await h.step('mfa-staff')).state.phase).toBe('completed');
  });

  it('a pause during the soak resumes into a new soak, not into completion', async () => {
    const h = await soaking();
    await h.step('mfa-staff', SOAK_MS - 60_000);
    await h.scheduler.applyNow({ rollout: 'mfa-staff', kind: 'pause', actor: 'rm', reason: 'look' });
    await h.step('mfa-staff', 60 * 60_000);
    await h.scheduler.applyNow({ rollout: 'mfa-staff', kind: 'resume', actor: 'rm', reason: 'ok' });
    const resumed = await h.store.getRollout('mfa-staff');
    expect(resumed).toMatchObject({ phase: 'soaking', percentage: 100 });
    expect((await h.step('mfa-staff', SOAK_MS - 10_000)).state.phase).toBe('soaking');
    expect((await h.step('mfa-staff', 10_000)).state.phase).toBe('completed');
  });

  it('promote from the second-to-last step soaks too', async () => {
    const h = await makeHarness();
    await h.controller.register(testSpec({ steps: [1, 50, 100], soak: '30m', guardrails: GUARDRAILS }));
    await h.step('mfa-staff', 0);
    await h.step('mfa-staff', 60_000);
    expect((await h.store.getRollout('mfa-staff'))?.percentage).toBe(50);
    await h.scheduler.applyNow({
      rollout: 'mfa-staff',
      kind: 'promote',
      full: false,
      actor: 'rm',
      reason: 'go',
    });
    expect(await h.store.getRollout('mfa-staff')).toMatchObject({ phase: 'soaking', percentage: 100 });
  });
});

describe('after completion', () => {
  async function completed(overrides: Partial<RolloutSpecInput> = {}): Promise<Harness> {
    const h = await soaking(overrides);
    expect((await h.step('mfa-staff', SOAK_MS)).state.phase).toBe('completed');
    return h;
  }

  it('a matching alert is audited and notified, and does not roll back', async () => {
    const h = await completed();
    const sent = h.notifier.sent.length;
    const applied = await h.scheduler.applyNow({ ...ALERT, reason: 'LoginErrors' });
    expect(applied.status).toBe('ignored');
    expect(applied.result).toMatch(/completed: audited and notified, not rolled back/);
    expect(await h.store.getRollout('mfa-staff')).toMatchObject({ phase: 'completed', percentage: 100 });
    expect(await h.embedded.read(FLAG)).toMatchObject({ enabled: true, percentage: 100 });
    expect((await h.store.readAudit({ rollout: 'mfa-staff' })).at(-1)).toMatchObject({
      action: 'alert_after_completion',
      actor: 'alertmanager',
      fromPhase: 'completed',
      toPhase: 'completed',
    });
    expect(h.notifier.sent.slice(sent).map((n) => n.title)).toEqual([
      'mfa-staff: alert after completion',
      'ALERT mfa-staff: alert after completion',
    ]);
  });

  it('an alert that does not match is ignored without an audit entry', async () => {
    const h = await completed();
    const before = (await h.store.readAudit()).length;
    await h.scheduler.applyNow({ ...ALERT, alert: { labels: { rollout: 'other' } }, reason: 'x' });
    expect((await h.store.readAudit()).length).toBe(before);
  });

  it('afterCompletion.alerts: rollback lets a matching alert roll back a completed rollout', async () => {
    const h = await completed({ afterCompletion: { alerts: 'rollback' } });
    await h.scheduler.applyNow({ ...ALERT, reason: 'LoginErrors' });
    expect(await h.store.getRollout('mfa-staff')).toMatchObject({ phase: 'rolled_back', percentage: 0 });
  });

  it("a person's rollback of a completed rollout is allowed", async () => {
    const h = await completed();
    await h.scheduler.applyNow({ rollout: 'mfa-staff', kind: 'rollback', actor: 'rm', reason: 'bug' });
    expect(await h.store.getRollout('mfa-staff')).toMatchObject({ phase: 'rolled_back', percentage: 0 });
    expect(await h.embedded.read(FLAG)).toMatchObject({ enabled: false });
  });
});
