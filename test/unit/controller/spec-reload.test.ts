import { describe, expect, it } from 'vitest';
import type { RolloutSpec } from '../../../src/rollout-spec/rollout-spec-schema.js';
import { makeHarness, testSpec } from '../../support/controller-harness.js';

async function rampedTo5() {
  const h = await makeHarness();
  await h.controller.register(testSpec());
  await h.step('mfa-staff', 0);
  await h.step('mfa-staff', 60_000);
  expect((await h.store.getRollout('mfa-staff'))?.percentage).toBe(5);
  return h;
}

describe('spec reload', () => {
  it('applies safe changes (bake, thresholds, windows, approvals) and audits them', async () => {
    const h = await rampedTo5();
    const next = testSpec({
      bake: '5m',
      windows: { deny: ['* 14 * * *'], timezone: 'Europe/Berlin' },
      approvals: { above: 50 },
      guardrails: [
        {
          name: 'login-success',
          compare: { metric: 'login_attempts_total', good: { result: 'success' }, maxDrop: 0.02 },
        },
        { name: 'exposure-balance', srm: { metric: 'flag_exposures_total' } },
      ],
    });
    const result = await h.controller.reloadSpec('mfa-staff', next);
    expect(result).toMatchObject({
      status: 'applied',
      changes: ['approvals', 'bake', 'guardrails', 'windows'],
    });
    const state = await h.store.getRollout('mfa-staff');
    expect(state?.spec.bake).toBe(300_000);
    expect(state).toMatchObject({ phase: 'ramping', percentage: 5, stepIndex: 1 });
    expect((await h.store.readAudit({ rollout: 'mfa-staff' })).at(-1)).toMatchObject({
      action: 'spec_reloaded',
      reason: 'spec changed: approvals, bake, guardrails, windows',
    });
    // The new bake governs the running step.
    const r = await h.step('mfa-staff', 60_000);
    expect(r.hold).toMatch(/^baking/);
  });

  it('re-indexes the live step when steps change around it', async () => {
    const h = await rampedTo5();
    const result = await h.controller.reloadSpec('mfa-staff', testSpec({ steps: [2, 5, 10, 100] }));
    expect(result.status).toBe('applied');
    expect(await h.store.getRollout('mfa-staff')).toMatchObject({ stepIndex: 1, percentage: 5 });
    expect((await h.step('mfa-staff', 60_000)).state.percentage).toBe(10);
  });

  it.each([
    ['another flag', testSpec({ flag: { backend: 'embedded', name: 'other-flag' } }), /flag changed/],
    [
      'another scope',
      testSpec({
        flag: {
          backend: 'embedded',
          name: 'mfa-staff-login',
          constraints: [{ contextName: 'accountType', operator: 'IN', values: ['staff'] }],
        },
      }),
      /flag changed from .*scope everyone\) to .*scope accountType IN \[staff\]\) while the rollout is ramping/,
    ],
    [
      'steps that drop below the live percentage',
      testSpec({ steps: [1, 2, 100] }),
      /do not contain the live 5 %/,
    ],
    ['another name', testSpec({ name: 'other-rollout' }), /name changed/],
  ])('refuses %s with an audited error and keeps the old spec', async (_what, next, message) => {
    const h = await rampedTo5();
    const before = await h.store.getRollout('mfa-staff');
    const result = await h.controller.reloadSpec('mfa-staff', next as RolloutSpec);
    expect(result.status).toBe('refused');
    const after = await h.store.getRollout('mfa-staff');
    expect(after?.spec).toEqual(before?.spec);
    const last = (await h.store.readAudit({ rollout: 'mfa-staff' })).at(-1);
    expect(last?.action).toBe('spec_reload_refused');
    expect(last?.reason).toMatch(message);
    // The same refused file seen again is not audited twice.
    await h.controller.reloadSpec('mfa-staff', next as RolloutSpec);
    expect((await h.actions('mfa-staff')).filter((a) => a === 'spec_reload_refused')).toHaveLength(1);
  });

  it('register() of a known rollout reloads its spec; an identical spec changes nothing', async () => {
    const h = await rampedTo5();
    const count = (await h.store.readAudit()).length;
    const { reload } = await h.controller.register(testSpec());
    expect(reload).toEqual({ status: 'unchanged' });
    expect((await h.store.readAudit()).length).toBe(count);
  });

  it('keeps the problems of a refused reload on the state until the file matches the running spec again', async () => {
    const h = await rampedTo5();
    const running = testSpec();
    await h.controller.reloadSpec('mfa-staff', testSpec({ steps: [1, 2, 100] }));
    const refused = await h.store.getRollout('mfa-staff');
    expect(refused?.refusedSpecHash).toMatch(/^[0-9a-f]{64}$/);
    expect(refused?.refusedSpecProblems).toEqual([
      'steps [1, 2, 100] do not contain the live 5 %: the rollout would drop below it or jump over it',
    ]);
    // The file is put back: nothing differs any more, so the refusal is cleared (and audited).
    expect(await h.controller.reloadSpec('mfa-staff', running)).toEqual({ status: 'unchanged' });
    const cleared = await h.store.getRollout('mfa-staff');
    expect(cleared).toMatchObject({ refusedSpecHash: null, refusedSpecProblems: null, spec: running });
    expect((await h.store.readAudit({ rollout: 'mfa-staff' })).at(-1)?.reason).toMatch(
      /refused reload is void/,
    );
    // Unchanged again: nothing more to save.
    const count = (await h.store.readAudit()).length;
    await h.controller.reloadSpec('mfa-staff', running);
    expect((await h.store.readAudit()).length).toBe(count);
  });
});
