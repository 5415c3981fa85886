import { describe, expect, it } from 'vitest';
import { srmLogEValue } from '../../src/analysis/srm-evalue.js';
import { mulberry32 } from '../support/seeded-random.js';

/**
 * Healthy rollouts of a small staff population: each user has a fixed hash bucket, so the realised
 * treatment share of 300 users is not the nominal one; users log in at their own rates (a tenth of
 * them ten times as often) and every login after the first in a step is not a new exposed user.
 * The e-value SRM looks at distinct exposed users every minute of every step.
 */
function pausedRollout(rand: () => number, users: number, steps: readonly number[], pValue: number): boolean {
  const bucket = Array.from({ length: users }, () => rand());
  const activity = Array.from({ length: users }, () => (rand() < 0.1 ? 0.3 : 0.03));
  for (const pct of steps) {
    const seen = new Uint8Array(users);
    let t = 0;
    let n = 0;
    for (let minute = 0; minute < 120; minute++) {
      for (let i = 0; i < users; i++) {
        if (seen[i] || rand() >= (activity[i] ?? 0)) continue;
        seen[i] = 1;
        n++;
        if ((bucket[i] ?? 1) < pct / 100) t++;
      }
      if (srmLogEValue(t, n, pct / 100) >= Math.log(1 / pValue)) return true;
    }
  }
  return false;
}

describe('srm e-value on small populations', () => {
  it('pauses at most 2 % of healthy 300-user rollouts, even at pValue 0.01', () => {
    const rand = mulberry32(16300);
    const runs = 1000;
    let paused = 0;
    for (let r = 0; r < runs; r++) if (pausedRollout(rand, 300, [1, 5, 25, 50], 0.01)) paused++;
    console.log(`srm e-value, 300 users, 4 steps, pValue 0.01: ${paused}/${runs} healthy rollouts paused`);
    // The bound is 4 steps x 0.01 = 4 %; the target is 2 %: Binomial(1000, 0.02) has 99.9 % quantile 35.
    expect(paused).toBeLessThanOrEqual(35);
  });

  it('pauses a rollout whose treatment arm loses half its users', () => {
    const rand = mulberry32(16301);
    let caught = 0;
    for (let r = 0; r < 100; r++) {
      let t = 0;
      let n = 0;
      for (let i = 0; i < 2000; i++) {
        n++;
        if (rand() < 0.25 && rand() < 0.5) t++;
        else if (rand() < 0.125) n--;
      }
      if (srmLogEValue(t, n, 0.25) >= Math.log(1000)) caught++;
    }
    expect(caught).toBeGreaterThanOrEqual(95);
  });
});
