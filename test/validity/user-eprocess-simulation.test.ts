import { describe, expect, it } from 'vitest';
import { splitTestAlpha } from '../../src/analysis/alpha.js';
import { updateUserEvidence, userEValues } from '../../src/analysis/user-eprocess.js';
import type { UserEvidenceMemory } from '../../src/rollout/rollout-state.js';
import { mulberry32 } from '../support/seeded-random.js';

/**
 * Clustered staff populations: a few locked accounts fail every attempt and retry, heavy users log in
 * ten times as often, every attempt of a normal user fails with a small chance. The e-processes see
 * distinct users per step only (as the distinct-user series give them), ticked every minute.
 */
interface World {
  users: number;
  /** Share of locked accounts (every attempt fails). */
  locked: number;
  /** Failure chance per attempt of the other users, control. */
  failure: number;
  /** Treatment's failure chance per attempt, as a multiple of control's. */
  harm: number;
  steps: readonly number[];
  ticksPerStep: number;
}

const RHO = 1.5;

function poisson(rand: () => number, mean: number): number {
  let k = 0;
  let p = Math.exp(-mean);
  let s = p;
  const u = rand();
  while (u > s && k < 50) {
    k++;
    p *= mean / k;
    s += p;
  }
  return k;
}

/** One rollout's e-values through its steps; stops at the first harm crossing (a rollback). */
function run(w: World, rand: () => number, alpha: number): { rolledBack: boolean; shownSafe: boolean } {
  const bucket = Array.from({ length: w.users }, () => rand());
  const locked = Array.from({ length: w.users }, () => rand() < w.locked);
  const activity = Array.from({ length: w.users }, () => (rand() < 0.1 ? 0.5 : 0.05));
  const split = splitTestAlpha(alpha, w.steps.length);
  let m: UserEvidenceMemory | undefined;
  let shownSafe = false;
  w.steps.forEach((pct, s) => {
    const exposed = new Uint8Array(w.users);
    const bad = new Uint8Array(w.users);
    const n = { eT: 0, eC: 0, bT: 0, bC: 0 };
    for (let t = 0; t < w.ticksPerStep && !m?.step.startsWith('x'); t++) {
      for (let i = 0; i < w.users; i++) {
        const attempts = poisson(rand, activity[i] ?? 0);
        if (attempts === 0) continue;
        const treated = (bucket[i] ?? 1) < pct / 100;
        if (!exposed[i]) {
          exposed[i] = 1;
          if (treated) n.eT++;
          else n.eC++;
        }
        if (bad[i]) continue;
        const f = locked[i] ? 1 : w.failure * (treated ? w.harm : 1);
        if (1 - (1 - f) ** attempts > rand()) {
          bad[i] = 1;
          if (treated) n.bT++;
          else n.bC++;
        }
      }
      m = updateUserEvidence(m, {
        run: 'r',
        step: `s${s}`,
        badT: n.bT,
        badC: n.bC,
        exposedT: n.eT,
        exposedC: n.eC,
        rho: RHO,
      });
      const e = userEValues(m);
      if (e.runHarm >= Math.log(1 / split.wholeRun) || e.stepHarm >= Math.log(1 / split.currentStep))
        m = { ...m, step: 'x' };
      if (e.runSafe >= Math.log(1 / alpha)) shownSafe = true;
    }
  });
  return { rolledBack: m?.step === 'x', shownSafe };
}

const STAFF: World = {
  users: 2000,
  locked: 0.01,
  failure: 0.02,
  harm: 1,
  steps: [5, 25, 50],
  ticksPerStep: 30,
};

function rates(w: World, runs: number, alpha: number, seed: number) {
  const rand = mulberry32(seed);
  let rolledBack = 0;
  let shownSafe = 0;
  for (let r = 0; r < runs; r++) {
    const out = run(w, rand, alpha);
    if (out.rolledBack) rolledBack++;
    if (out.shownSafe) shownSafe++;
  }
  return { rolledBack, shownSafe };
}

/** Nested steps, persistent bad users only: the whole-run product's worst case (docs/statistics.md). */
const PERSISTENT: World = {
  users: 300,
  locked: 0.02,
  failure: 0.002,
  harm: 1,
  steps: [1, 2, 5, 10, 20, 30, 50],
  ticksPerStep: 30,
};

describe('users e-process on clustered null data', () => {
  it('stays below its share with persistent users across many steps', () => {
    // Binomial(2000, 0.05) has mean 100 and its 99.9 % quantile is 131.
    const { rolledBack } = rates(PERSISTENT, 2000, 0.05, 16006);
    console.log(`users persistent users across many steps: ${rolledBack}/2000 false rollbacks at alpha 0.05`);
    expect(rolledBack).toBeLessThanOrEqual(131);
  });

  // alpha 0.05 so that 400 runs can show a rate above it: Binomial(400, 0.05) has mean 20 and its
  // 99.9 % quantile is 35; a rate credibly above alpha fails.
  it('rolls back at most alpha of healthy rollouts with locked users retrying', () => {
    const { rolledBack } = rates(STAFF, 400, 0.05, 16001);
    console.log(`users A/A (2,000 users, 1 % locked): ${rolledBack}/400 false rollbacks at alpha 0.05`);
    expect(rolledBack).toBeLessThanOrEqual(35);
  });

  it('rolls back at most alpha of rollouts whose harm is exactly the margin (the null boundary)', () => {
    const atMargin = { ...STAFF, locked: 0, harm: RHO };
    const { rolledBack } = rates(atMargin, 400, 0.05, 16005);
    console.log(`users at the margin: ${rolledBack}/400 rollbacks at alpha 0.05`);
    expect(rolledBack).toBeLessThanOrEqual(35);
  });

  it('shows non-inferiority in at most alpha of rollouts whose harm is exactly the margin', () => {
    const atMargin = { ...STAFF, locked: 0, harm: RHO };
    const { shownSafe } = rates(atMargin, 400, 0.05, 16002);
    console.log(`users at the margin: non-inferiority shown in ${shownSafe}/400 at alpha 0.05`);
    expect(shownSafe).toBeLessThanOrEqual(35);
  });

  it('rolls back most rollouts with a 4x failure rate and shows most healthy ones safe', () => {
    const harmed = rates({ ...STAFF, harm: 4 }, 100, 0.01, 16003);
    const healthy = rates({ ...STAFF, users: 20_000, locked: 0.005 }, 50, 0.01, 16004);
    console.log(
      `users power: 4x harm rolled back in ${harmed.rolledBack}/100; healthy 20,000 users shown safe in ${healthy.shownSafe}/50`,
    );
    expect(harmed.rolledBack).toBeGreaterThanOrEqual(90);
    expect(healthy.shownSafe).toBeGreaterThanOrEqual(45);
  });
});
