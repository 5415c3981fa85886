import { describe, expect, it } from 'vitest';
import { logMixture, updateUserEvidence, userEValues } from '../../../src/analysis/user-eprocess.js';

const tick = (badT: number, badC: number, exposedT = 100, exposedC = 900, step = 's1') => ({
  run: 'r1',
  step,
  badT,
  badC,
  exposedT,
  exposedC,
  rho: 1.5,
});

describe('user e-process', () => {
  it('starts at e-value 1 and grows with bad users in treatment beyond the margin', () => {
    const m0 = updateUserEvidence(undefined, tick(0, 0));
    expect(userEValues(m0)).toEqual({ runHarm: 0, stepHarm: 0, runSafe: 0 });
    // 10 % of treatment users bad vs 1 % of control: ratio 10, far beyond 1.5.
    const m1 = updateUserEvidence(m0, tick(10, 9));
    expect(userEValues(m1).runHarm).toBeGreaterThan(Math.log(100));
    expect(userEValues(m1).runSafe).toBeLessThan(0);
  });

  it('counts the growth since the last tick only: the same counts twice add nothing', () => {
    const m1 = updateUserEvidence(undefined, tick(3, 20));
    expect(updateUserEvidence(m1, tick(3, 20))).toBe(m1);
  });

  it('grows the safe e-value when treatment has no more bad users than control', () => {
    let m = updateUserEvidence(undefined, tick(0, 0, 1000, 1000));
    for (let i = 1; i <= 20; i++) m = updateUserEvidence(m, tick(10 * i, 10 * i, 1000 * i, 1000 * i));
    expect(userEValues(m).runSafe).toBeGreaterThan(Math.log(100));
    expect(userEValues(m).runHarm).toBeLessThan(0);
  });

  it('carries the run evidence into the next step and restarts the step evidence and counts', () => {
    const m1 = updateUserEvidence(undefined, tick(10, 9));
    const m2 = updateUserEvidence(m1, tick(0, 0, 10, 10, 's2'));
    expect(m2.runHarm).toEqual(m1.runHarm);
    expect(m2.stepHarm.every((l) => l === 0)).toBe(true);
    expect(m2.seen).toEqual({ treatment: 0, control: 0 });
  });

  it('starts afresh on a new run', () => {
    const m1 = updateUserEvidence(undefined, tick(10, 9));
    const m2 = updateUserEvidence(m1, { ...tick(0, 0), run: 'r2' });
    expect(userEValues(m2).runHarm).toBe(0);
  });

  it('takes a count that went backwards as the new base, without events', () => {
    const m1 = updateUserEvidence(undefined, tick(10, 9));
    const m2 = updateUserEvidence(m1, tick(2, 9));
    expect(m2.runHarm).toEqual(m1.runHarm);
    expect(m2.seen.treatment).toBe(2);
  });

  it('waits with events while an arm has nobody at risk', () => {
    const m1 = updateUserEvidence(undefined, tick(2, 0, 0, 50));
    expect(m1.seen).toEqual({ treatment: 0, control: 0 });
    expect(userEValues(m1).runHarm).toBe(0);
  });

  it('mixes without overflow', () => {
    expect(logMixture([1000, 1000])).toBeCloseTo(1000, 9);
    expect(logMixture([0, -Infinity])).toBeCloseTo(Math.log(0.5), 12);
  });
});
