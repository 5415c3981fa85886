import { describe, expect, it } from 'vitest';
import { makeHarness, testSpec } from '../../support/controller-harness.js';

const FLAG = testSpec().flag;

async function runUntil(
  h: Awaited<ReturnType<typeof makeHarness>>,
  done: (phase: string) => boolean,
  maxTicks = 500,
) {
  for (let i = 0; i < maxTicks; i++) {
    const report = await h.step('mfa-staff');
    if (done(report.state.phase)) return report;
  }
  throw new Error('rollout did not finish');
}

describe('controller: ramping', () => {
  it('ramps 1 -> 5 -> 25 -> 50 -> 100 on passing guardrails and completes, each step audited once', async () => {
    const h = await makeHarness();
    await h.controller.register(testSpec());
    const seen: number[] = [];
    const report = await runUntil(h, (phase) => {
      return phase === 'completed';
    });
    for (const e of await h.store.readAudit({ rollout: 'mfa-staff' })) {
      if (['started', 'advanced', 'completed'].includes(e.action) && e.toPercentage !== null)
        seen.push(e.toPercentage);
    }
    // 100 % is entered by an advance (into the soak); completing it moves nothing.
    expect(seen).toEqual([1, 5, 25, 50, 100, 100]);
    expect(report.state).toMatchObject({ phase: 'completed', percentage: 100, pendingWrite: null });
    expect(await h.embedded.read(FLAG)).toMatchObject({ enabled: true, percentage: 100 });
    expect(await h.actions('mfa-staff')).toEqual([
      'created',
      'started',
      'advanced',
      'advanced',
      'advanced',
      'advanced',
      'completed',
    ]);
    const seqs = (await h.store.readAudit()).map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });

  it('waits the full bake at each step: no advance before `bake`, advance at the first tick after it', async () => {
    const h = await makeHarness();
    await h.controller.register(testSpec({ bake: '2m' }));
    const started = await h.step('mfa-staff', 0);
    expect(started.state.percentage).toBe(1);
    for (let t = 10; t < 120; t += 10) {
      const r = await h.step('mfa-staff');
      expect(r.state.percentage).toBe(1);
      expect(r.hold).toMatch(/^baking/);
    }
    expect((await h.step('mfa-staff')).state.percentage).toBe(5);
  });

  it('passes the live step and the step start to the verdict source, so each step counts afresh', async () => {
    const h = await makeHarness();
    await h.controller.register(testSpec());
    await h.step('mfa-staff', 0);
    await h.step('mfa-staff', 60_000);
    await h.step('mfa-staff');
    const last = h.verdicts.requests.at(-1);
    expect(last).toMatchObject({ stepIndex: 1, percentage: 5 });
    expect(last?.stepStartedAt.toISOString()).toBe(
      new Date(Date.parse('2026-11-30T09:01:00Z')).toISOString(),
    );
  });
});

describe('controller: holds', () => {
  async function atFirstStepBaked() {
    const h = await makeHarness();
    await h.controller.register(testSpec());
    await h.step('mfa-staff', 0);
    h.clock.advance(60_000);
    return h;
  }

  it('holds on too few treatment samples', async () => {
    const h = await atFirstStepBaked();
    h.verdicts.script = { status: 'pass', treatmentN: 99 };
    const r = await h.step('mfa-staff');
    expect(r.state.percentage).toBe(1);
    expect(r.hold).toBe('treatment samples 99 of 100');
    h.verdicts.script = { status: 'pass', treatmentN: 100 };
    expect((await h.step('mfa-staff')).state.percentage).toBe(5);
  });

  it('holds on an inconclusive verdict', async () => {
    const h = await atFirstStepBaked();
    h.verdicts.script = { status: 'inconclusive', guardrail: 'login-success' };
    const r = await h.step('mfa-staff');
    expect(r.state).toMatchObject({ phase: 'ramping', percentage: 1 });
    expect(r.hold).toBe('login-success inconclusive');
  });

  it('holds on an error verdict, and pauses with an alert once no data lasts longer than noDataTimeout', async () => {
    const h = await atFirstStepBaked();
    h.verdicts.script = { status: 'error' };
    const first = await h.step('mfa-staff');
    expect(first.state.phase).toBe('ramping');
    expect(first.hold).toMatch(/error/);
    let report = first;
    for (let i = 0; i < 30 && report.state.phase === 'ramping'; i++) report = await h.step('mfa-staff');
    expect(report.state).toMatchObject({ phase: 'paused', pauseKind: 'no_data', percentage: 1 });
    expect(report.state.reason).toMatch(/^no data for 310s \(noDataTimeout 5m\)/);
    expect(report.effects.some((e) => e.type === 'alert')).toBe(true);
    // Still paused, no second alert, and never advanced.
    const later = await h.step('mfa-staff');
    expect(later.state.phase).toBe('paused');
    expect(later.effects).toEqual([]);
    expect(await h.actions('mfa-staff')).toEqual(['created', 'started', 'paused']);
    expect(await h.embedded.read(FLAG)).toMatchObject({ enabled: true, percentage: 1 });
  });

  it('rolls back on no data when onNoData is rollback', async () => {
    const h = await makeHarness();
    await h.controller.register(testSpec({ onNoData: 'rollback', noDataTimeout: '1m' }));
    await h.step('mfa-staff', 0);
    h.verdicts.script = { status: 'error' };
    let report = await h.step('mfa-staff');
    for (let i = 0; i < 10 && report.state.phase === 'ramping'; i++) report = await h.step('mfa-staff');
    expect(report.state.phase).toBe('rolled_back');
    expect(await h.embedded.read(FLAG)).toMatchObject({ enabled: false });
  });

  it('pauses (does not roll back) when a guardrail whose onFail is pause fails', async () => {
    const h = await atFirstStepBaked();
    h.verdicts.script = { status: 'fail', guardrail: 'exposure-balance', onFail: 'pause' };
    const r = await h.step('mfa-staff');
    expect(r.state).toMatchObject({ phase: 'paused', pauseKind: 'guardrail', percentage: 1 });
    expect(r.state.reason).toMatch(/exposure-balance/);
    expect(await h.embedded.read(FLAG)).toMatchObject({ enabled: true, percentage: 1 });
  });

  it('holds outside the allowed windows and advances once inside', async () => {
    const h = await makeHarness(Date.parse('2026-11-30T12:58:00Z')); // 13:58 Berlin
    await h.controller.register(testSpec({ windows: { deny: ['* 14 * * *'], timezone: 'Europe/Berlin' } }));
    await h.step('mfa-staff', 0);
    const r = await h.step('mfa-staff', 60_000); // 13:59:00 baked, allowed
    expect(r.state.percentage).toBe(5);
    for (let i = 0; i < 6 * 61; i++) {
      const held = await h.step('mfa-staff'); // through 14:00..14:59 Berlin
      const berlinHour = (held.state.updatedAt.getUTCHours() + 1) % 24;
      if (berlinHour === 14) {
        expect(held.state.percentage).toBe(5);
        expect(held.hold).toBe('outside the allowed windows');
      }
      if (held.state.percentage !== 5) {
        expect(h.clock.now().toISOString()).toBe('2026-11-30T14:00:00.000Z'); // 15:00 Berlin, first allowed minute
        return;
      }
    }
    throw new Error('never advanced after the deny hour');
  });
});
