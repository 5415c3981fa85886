import { describe, expect, it } from 'vitest';
import { guardrailPlans } from '../../../src/guardrails/registry.js';
import { testSpec } from '../../support/controller-harness.js';

// testSpec: steps 1, 5, 25, 50, 100; bake 1m.
const spec = (guardrails: unknown[], extra: Record<string, unknown> = {}) =>
  testSpec({ guardrails, bake: '15m', ...extra } as Parameters<typeof testSpec>[0]);
const byName = (plans: ReturnType<typeof guardrailPlans>) =>
  Object.fromEntries(plans.map((p) => [p.guardrail, p]));

describe('hold estimates of every statistical guardrail (rampart plan --traffic)', () => {
  it('estimates srm from settle and minPerArm in the smaller arm, longest at the smallest step', () => {
    const [p] = guardrailPlans({
      spec: spec([{ name: 'split', srm: { metric: 'flag_exposures_total', minPerArm: 20, settle: '2m' } }]),
      perMinute: 100,
    });
    // 1 %: 2 min + 20 / (100 x 0.01) = 22 min.
    expect(p?.seconds).toBeCloseTo(22 * 60, 6);
    expect(p?.text).toContain('longest at 1 %: ~22 min');
  });

  it('estimates threshold from minEvents, and says when its window can never hold enough', () => {
    const g = (minEvents: number) => ({
      name: 'global',
      threshold: {
        ratio: { metric: 'login_attempts_total', good: { result: 'success' } },
        min: 0.9,
        window: '5m',
        minEvents,
      },
    });
    expect(guardrailPlans({ spec: spec([g(50)]), perMinute: 20 })[0]?.seconds).toBeCloseTo(150, 6);
    const starved = guardrailPlans({ spec: spec([g(500)]), perMinute: 20 })[0];
    expect(starved).toMatchObject({ seconds: null });
    expect(starved?.text).toBe('inconclusive at every step: ~100 events in its 5 min window, needs 500');
  });

  it('gates compare and rate before 100 %, longer at less traffic and for a stricter limit', () => {
    const guardrails = [
      {
        name: 'tight',
        compare: { metric: 'login_attempts_total', good: { result: 'success' }, maxDrop: 0.01 },
      },
      {
        name: 'loose',
        compare: { metric: 'login_attempts_total', good: { result: 'success' }, maxDrop: 0.05 },
      },
      { name: 'logouts', rate: { events: 'logouts_total', per: 'login_attempts_total', maxRatio: 1.5 } },
    ];
    const at = (perMinute: number) => byName(guardrailPlans({ spec: spec(guardrails), perMinute }));
    const slow = at(20);
    const fast = at(200);
    for (const name of ['tight', 'logouts']) {
      expect(slow[name]?.seconds, name).toBeGreaterThan(fast[name]?.seconds ?? Number.POSITIVE_INFINITY);
      expect(slow[name]?.text, name).toMatch(/^holds at 50 % until it shows/);
    }
    // Each compare guardrail is planned with its own maxDrop, not only the strictest one.
    expect(slow.tight?.seconds).toBeGreaterThan(slow.loose?.seconds ?? Number.POSITIVE_INFINITY);
  });

  it('names the selection the traffic is taken for, and the assumption when matchers select a subset', () => {
    const plans = byName(
      guardrailPlans({
        spec: spec(
          [
            {
              name: 'c',
              compare: {
                metric: 'login_attempts_total',
                good: { result: 'success' },
                matchers: { route: 'login' },
                maxDrop: 0.05,
              },
            },
            { name: 'z', zero: { metric: 'mismatch_total' } },
          ],
          { matchers: { app: 'login' } },
        ),
        perMinute: 600,
      }),
    );
    expect(plans.c?.selects).toEqual([
      { metric: 'login_attempts_total', matchers: { app: 'login', route: 'login' } },
    ]);
    expect(plans.c?.assumes).toBe(
      'assumes all 600/min match login_attempts_total{app="login",route="login"}',
    );
    expect(plans.z).toMatchObject({ seconds: 0, text: 'never holds: any increase fails at once' });
    expect(plans.z?.assumes).toBe('assumes all 600/min match mismatch_total{app="login"}');
  });
});
