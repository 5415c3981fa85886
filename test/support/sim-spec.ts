import { type RolloutSpec, rolloutSpecSchema } from '../../src/rollout-spec/rollout-spec-schema.js';

/** The flagship shape: 1-5-25-50-100, bake 15m, tick 10s, alpha 0.01, compare + rate + srm. */
export function simSpec(): RolloutSpec {
  return rolloutSpecSchema.parse({
    apiVersion: 'rampart/v1',
    kind: 'Rollout',
    name: 'mfa-staff',
    flag: { backend: 'embedded', name: 'mfa-staff-login' },
    steps: [1, 5, 25, 50, 100],
    bake: '15m',
    tick: '10s',
    alpha: 0.01,
    minSamples: 200,
    guardrails: [
      {
        name: 'login-success',
        compare: { metric: 'login_attempts_total', good: { result: 'success' }, maxDrop: 0.05 },
      },
      { name: 'logout-loop', rate: { events: 'logouts_total', per: 'login_attempts_total', maxRatio: 1.5 } },
      { name: 'exposure-balance', srm: { metric: 'flag_exposures_total' } },
    ],
  });
}
