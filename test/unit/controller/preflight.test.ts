import { describe, expect, it } from 'vitest';
import { makeHarness, testSpec } from '../../support/controller-harness.js';

const guardrails = [
  {
    name: 'login-success',
    compare: { metric: 'login_attempts_total', good: { result: 'success' }, maxDrop: 0.05 },
  },
  {
    name: 'global-login-success',
    threshold: { ratio: { metric: 'login_attempts_total', good: { result: 'success' } }, min: 0.9 },
  },
];
const spec = testSpec({ guardrails });

describe('preflight: a global SLO check failing before step 1', () => {
  it('holds the start, asking only the preflight guardrails, and starts once it passes', async () => {
    const h = await makeHarness();
    await h.controller.register(spec);
    h.verdicts.script = { status: 'fail', guardrail: 'global-login-success' };
    for (let i = 0; i < 3; i++) {
      const r = await h.step(spec.name);
      expect(r.state).toMatchObject({ phase: 'pending', percentage: 0 });
      expect(r.hold).toBe('preflight: global-login-success: scripted fail; the start waits until it passes');
    }
    expect(h.backend.writes).toBe(0);
    expect(h.verdicts.requests.map((q) => q.spec.guardrails.map((g) => g.name))).toEqual([
      ['global-login-success'],
      ['global-login-success'],
      ['global-login-success'],
    ]);
    expect(h.verdicts.requests[0]).toMatchObject({ stepIndex: -1, percentage: 0 });
    expect(await h.actions(spec.name)).not.toContain('rolled_back');

    h.verdicts.script = { status: 'pass' };
    const started = await h.step(spec.name);
    expect(started.state).toMatchObject({ phase: 'ramping', percentage: 1 });
  });

  it('is not asked while a rollout waits for its start', async () => {
    const h = await makeHarness();
    await h.controller.register(testSpec({ guardrails, start: 'manual' }));
    await h.step(spec.name);
    expect(h.verdicts.requests).toHaveLength(0);
  });
});
