import { describe, expect, it } from 'vitest';
import { planPower } from '../../src/analysis/power-plan.js';
import { powerPlanBasis } from '../../src/guardrails/power-plan-basis.js';
import { mulberry32 } from '../support/seeded-random.js';
import { simSpec } from '../support/sim-spec.js';
import { type Counts, simulateStep } from './simulate-rollout.js';

describe('planPower', () => {
  const spec = simSpec();
  const basis = powerPlanBasis(spec);
  const plan = planPower(spec, basis, 300);

  it('detects the planned drop in at least 80 % of simulated runs through three bakes (the plan is not optimistic)', () => {
    const s = plan[2];
    if (s?.minDetectableDrop === undefined) throw new Error('25 % step should be planned');
    const rand = mulberry32(99);
    const traffic = {
      loginsPerMinute: 300,
      controlSuccess: 0.985,
      treatmentSuccess: 0.985 - s.minDetectableDrop,
      controlLogoutRate: 0.2,
      treatmentLogoutRate: 0.2,
    };
    let caught = 0;
    for (let r = 0; r < 300; r++) {
      // The drop is there from the first step; each bake is a stratum of the cumulative test.
      const strata: Counts[] = [];
      for (let step = 0; step <= 2; step++) {
        const out = simulateStep(spec, step, traffic, rand, spec.bake / 1000, () => false, strata);
        strata.push(out.counts);
        if (out.rollback) {
          caught++;
          break;
        }
      }
    }
    expect(caught / 300).toBeGreaterThanOrEqual(0.8);
  });
});
