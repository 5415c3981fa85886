import { describe, expect, it } from 'vitest';
import { updateUserEvidence, userEValues } from '../../../src/analysis/user-eprocess.js';
import { treatmentUsersToDetect } from '../../../src/analysis/users-power.js';
import type { UserEvidenceMemory } from '../../../src/rollout/rollout-state.js';
import { mulberry32 } from '../../support/seeded-random.js';

/** The share of simulated steps whose harm e-value reaches logHold, users arriving over 50 ticks. */
function reachRate(
  nT: number,
  share: number,
  baseline: number,
  ratio: number,
  logHold: number,
  runs: number,
) {
  const rand = mulberry32(24);
  const nC = Math.round((nT * (1 - share)) / share);
  let reached = 0;
  for (let r = 0; r < runs; r++) {
    let m: UserEvidenceMemory | undefined;
    const c = { eT: 0, eC: 0, bT: 0, bC: 0 };
    let hit = false;
    for (let t = 1; t <= 50 && !hit; t++) {
      const addT = Math.round((nT * t) / 50) - c.eT;
      const addC = Math.round((nC * t) / 50) - c.eC;
      for (let i = 0; i < addT; i++) if (rand() < ratio * baseline) c.bT++;
      for (let i = 0; i < addC; i++) if (rand() < baseline) c.bC++;
      c.eT += addT;
      c.eC += addC;
      m = updateUserEvidence(m, {
        run: 'r',
        step: 's',
        badT: c.bT,
        badC: c.bC,
        exposedT: c.eT,
        exposedC: c.eC,
        rho: 1.5,
      });
      hit = userEValues(m).stepHarm >= logHold;
    }
    if (hit) reached++;
  }
  return reached / runs;
}

describe('treatment users a canary step waits for', () => {
  const logHold = Math.log(1 / 0.0002) / 2;

  it('is where a harm of twice the margin reaches the hold in about 90 % of steps, and half as many miss it', () => {
    const n = treatmentUsersToDetect(0.02, 1.5, 0.05, logHold);
    expect(n).toBeGreaterThan(200);
    expect(n).toBeLessThan(5000);
    expect(reachRate(n, 0.05, 0.02, 3, logHold, 200)).toBeGreaterThanOrEqual(0.85);
    expect(reachRate(Math.round(n / 2), 0.05, 0.02, 3, logHold, 200)).toBeLessThan(0.85);
  });

  it('needs more users for rarer outcomes and a stricter hold', () => {
    const n = treatmentUsersToDetect(0.02, 1.5, 0.05, logHold);
    expect(treatmentUsersToDetect(0.005, 1.5, 0.05, logHold)).toBeGreaterThan(n);
    expect(treatmentUsersToDetect(0.02, 1.5, 0.05, logHold * 2)).toBeGreaterThan(n);
  });
});
