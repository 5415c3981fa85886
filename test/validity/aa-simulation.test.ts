import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../support/seeded-random.js';
import { simSpec } from '../support/sim-spec.js';
import { simulateRamp, type Traffic } from './simulate-rollout.js';

const HEALTHY: Traffic = {
  loginsPerMinute: 300,
  controlSuccess: 0.985,
  treatmentSuccess: 0.985,
  controlLogoutRate: 0.2,
  treatmentLogoutRate: 0.2,
};

describe('A/A: healthy rollouts', () => {
  it('roll back in at most alpha of 2,000 simulated rollouts through every step', { timeout: 60_000 }, () => {
    const spec = simSpec();
    const runs = 2000;
    let rollbacks = 0;
    let pauses = 0;
    const rand = mulberry32(20260426);
    for (let r = 0; r < runs; r++) {
      // Every step lasts until the bake has passed and minSamples treatment logins were seen, as the
      // controller advances; every tick is a look; compare and rate accumulate evidence over the run.
      const out = simulateRamp(spec, spec.steps.length - 1, () => HEALTHY, rand);
      if (out.rollback) rollbacks++;
      if (out.paused) pauses++;
    }
    // Tolerance: with a true false-rollback probability of exactly alpha = 0.01, 2,000 runs give
    // Binomial(2000, 0.01) rollbacks: mean 20, sd 4.45; its 99.9 % quantile is 35. The test fails
    // only if the observed count exceeds that, i.e. the rate is credibly above alpha.
    console.log(
      `A/A: ${rollbacks}/${runs} false rollbacks (alpha ${spec.alpha}), ${pauses}/${runs} runs with an srm pause`,
    );
    expect(rollbacks).toBeLessThanOrEqual(35);
    // srm pauses (not rollbacks) have their own budget, pValue 0.001 per step below 100 %: at most
    // 0.004 of runs, Binomial(2000, 0.004) has mean 8 and 99.9 % quantile 18.
    expect(pauses).toBeLessThanOrEqual(18);
  });
});
