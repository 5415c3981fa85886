import { type RolloutSpec, rolloutSpecSchema } from '../../src/rollout-spec/rollout-spec-schema.js';

export const TICK_MS = 10_000;
export const CRASH_STEPS = [1, 5, 25, 50, 100];

/** The spec of rollout `name` in the crash test: one flag per rollout, short bake. */
export function crashSpec(name: string): RolloutSpec {
  return rolloutSpecSchema.parse({
    apiVersion: 'rampart/v1',
    kind: 'Rollout',
    name,
    flag: { backend: 'embedded', name: `flag-${name}` },
    steps: CRASH_STEPS,
    bake: '30s',
    minSamples: 100,
    tick: '10s',
    // The crash test is about the ramp and its writes: start at once, soak one tick.
    start: 'auto',
    soak: '10s',
    guardrails: [
      {
        name: 'login-success',
        compare: { metric: 'login_attempts_total', good: { result: 'success' }, maxDrop: 0.05 },
      },
    ],
  });
}
