import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rolloutDetail, rolloutSummary } from '../../../src/http/rollout-view.js';
import { type Harness, makeHarness, testSpec } from '../../support/controller-harness.js';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => {
  await h.store.close();
});

async function detail() {
  const state = await h.controller.status('mfa-staff');
  const flag = await h.backend.read(state.spec.flag).catch((e: Error) => e);
  return rolloutDetail(state, undefined, flag, h.clock.now());
}

describe('rollout view: what users get, not only what rampart decided', () => {
  it('shows the read-back percentage and the failing write with its error and age', async () => {
    h.backend.failWrites = Number.POSITIVE_INFINITY;
    await h.controller.register(testSpec());
    await h.step('mfa-staff', 10_000);
    await h.step('mfa-staff', 60_000);
    const d = await detail();
    expect(d).toMatchObject({
      phase: 'ramping',
      decidedPercentage: 1,
      percentage: 0,
      percentageSource: 'read-back',
      flagReadBack: { exists: false },
      pendingWrite: {
        purpose: 'step',
        write: { action: 'set', percentage: 1 },
        lastError: 'flag backend unavailable (simulated 503)',
      },
    });
    expect(d.pendingWrite?.attempts).toBeGreaterThanOrEqual(1);
    const decidedAt = Date.parse(d.pendingWrite?.decidedAt ?? '');
    expect(d.pendingWrite?.ageMs).toBe(h.clock.now().getTime() - decidedAt);
    expect(d.pendingWrite?.ageMs).toBeGreaterThanOrEqual(60_000);
    // The list reads no flag: it says the decision is not written.
    const summary = rolloutSummary(await h.controller.status('mfa-staff'), h.clock.now());
    expect(summary).toMatchObject({ percentage: 1, pendingWrite: { attempts: d.pendingWrite?.attempts } });
  });

  it('shows no pending write and the same percentage once the write is read back', async () => {
    await h.controller.register(testSpec());
    await h.step('mfa-staff', 10_000);
    const d = await detail();
    expect(d).toMatchObject({
      percentage: 1,
      decidedPercentage: 1,
      percentageSource: 'read-back',
      pendingWrite: null,
    });
  });

  it('falls back to the decision, saying so, when the flag cannot be read', async () => {
    await h.controller.register(testSpec());
    await h.step('mfa-staff', 10_000);
    const state = await h.controller.status('mfa-staff');
    const d = rolloutDetail(state, undefined, new Error('read timed out'), h.clock.now());
    expect(d).toMatchObject({
      percentage: 1,
      percentageSource: 'decided',
      flagReadBack: { error: 'read timed out' },
    });
  });
});
