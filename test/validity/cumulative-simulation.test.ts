import { describe, expect, it } from 'vitest';
import { rolloutSpecSchema } from '../../src/rollout-spec/rollout-spec-schema.js';
import { mulberry32 } from '../support/seeded-random.js';
import { simSpec } from '../support/sim-spec.js';
import { simulateRamp, type Traffic, traffic } from './simulate-rollout.js';

/** Runs steps 0..last of `spec`, each for its bake, carrying the strata; returns whether it rolled back. */
/** Steps 0..last, each for exactly its bake; whether any rolled back. */
function runThrough(
  spec: ReturnType<typeof simSpec>,
  last: number,
  trafficAt: (step: number) => Traffic,
  rand: () => number,
): boolean {
  return simulateRamp(spec, last, trafficAt, rand, (s) => s >= spec.bake / 1000).rollback !== undefined;
}

describe('the cumulative test in simulated runs', () => {
  it('keeps alpha at the margin while the base rate drifts from step to step', { timeout: 60_000 }, () => {
    const spec = rolloutSpecSchema.parse({
      apiVersion: 'rampart/v1',
      kind: 'Rollout',
      name: 'margin',
      flag: { backend: 'embedded', name: 'f' },
      steps: [5, 25, 50, 100],
      alpha: 0.1,
      guardrails: [{ name: 'login-success', compare: { metric: 'm', good: { r: 's' }, maxDrop: 0.05 } }],
    });
    const base = [0.985, 0.93, 0.96];
    const rand = mulberry32(5005);
    let failed = 0;
    for (let r = 0; r < 1000; r++) {
      const at = (s: number) => traffic(base[s] ?? 0.985, (base[s] ?? 0.985) - 0.05);
      if (runThrough(spec, 2, at, rand)) failed++;
    }
    // A drop of exactly maxDrop in every step: Binomial(1000, 0.1) has 99.9 % quantile 130.
    console.log(`drop of exactly maxDrop over 3 drifting steps: ${failed}/1000 failed (alpha 0.1)`);
    expect(failed).toBeLessThanOrEqual(130);
  });

  it('catches a drop of 8 points through the 1-5-25-50 ramp in >= 95 % of 200 runs', {
    timeout: 60_000,
  }, () => {
    const spec = simSpec();
    const rand = mulberry32(6006);
    let caught = 0;
    for (let r = 0; r < 200; r++) if (runThrough(spec, 3, () => traffic(0.985, 0.905), rand)) caught++;
    console.log(`8-point drop through 1-5-25-50: ${caught}/200 rolled back`);
    expect(caught).toBeGreaterThanOrEqual(190);
  });
});
