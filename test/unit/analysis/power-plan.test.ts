import { describe, expect, it } from 'vitest';
import { comparativeSteps, splitTestAlpha } from '../../../src/analysis/alpha.js';
import { lrCompareUpper } from '../../../src/analysis/compare-lr.js';
import { stratifiedCompareUpper } from '../../../src/analysis/compare-wald.js';
import { planPower } from '../../../src/analysis/power-plan.js';
import { powerPlanBasis } from '../../../src/guardrails/power-plan-basis.js';
import { guardrailAlpha } from '../../../src/guardrails/registry.js';
import { simSpec } from '../../support/sim-spec.js';

describe('planPower', () => {
  const spec = simSpec();
  const basis = powerPlanBasis(spec);
  const plan = planPower(spec, basis, 300);

  it('reports every step with its expected treatment sample in the bake', () => {
    expect(plan.map((s) => [s.stepIndex, s.percentage, s.treatmentSamplesInBake])).toEqual([
      [0, 1, 45],
      [1, 5, 225],
      [2, 25, 1125],
      [3, 50, 2250],
      [4, 100, 4500],
    ]);
  });

  it('warns about the low-traffic steps that cannot see twice maxDrop within the bake', () => {
    expect(plan.map((s) => s.underpowered)).toEqual([true, true, false, false, false]);
    expect(plan[0]?.warning).toMatch(
      /^under-powered: 45 treatment logins in the bake detect only drops >= 0\.\d{3}/,
    );
    expect(plan[4]?.warning).toContain('no control arm at 100 %');
    expect(plan[4]?.minDetectableDrop).toBeUndefined();
  });

  it('detectable drops shrink as the step grows and sit on the 80 % power boundary', () => {
    const mdd = plan.slice(0, 4).map((s) => s.minDetectableDrop ?? Number.NaN);
    for (let i = 1; i < mdd.length; i++) expect(mdd[i]).toBeLessThan(mdd[i - 1] ?? 0);
    // At the detectable drop, the expected cumulative bound over the bakes of steps 1, 5 and 25 %
    // (one stratum each) + 0.84 SE sits on -maxDrop (by construction of the search).
    const s = plan[2];
    const drop = s?.minDetectableDrop;
    if (drop === undefined) throw new Error('25 % step should be planned');
    const strata = plan.slice(0, 3).map((p) => {
      const nT = p.treatmentSamplesInBake;
      const nC = nT * ((100 - p.percentage) / p.percentage);
      return {
        goodTreatment: (0.985 - drop) * nT,
        totalTreatment: nT,
        goodControl: 0.985 * nC,
        totalControl: nC,
      };
    });
    // The whole-run sequence at its 3/4 of the guardrail's share (ALPHA_RULE), tuned for the run's
    // planned sample (4 steps x 200): its likelihood-ratio bound, plus the estimate's observed spread.
    const alpha = splitTestAlpha(guardrailAlpha(spec), comparativeSteps(spec)).wholeRun;
    const b = lrCompareUpper(strata, 800, alpha, -0.05);
    const spread = stratifiedCompareUpper(strata, 800, alpha);
    expect(b?.strata).toBe(3);
    expect((b?.upper ?? 0) + 0.8416 * (spread?.se ?? 0)).toBeCloseTo(-0.05, 4);
  });

  it('expects a total outage at the 1 % step to be caught after about six treatment logins', () => {
    // 6 treatment logins at 3/min = 120 s, plus half a 10 s tick until the next look.
    expect(plan[0]?.expectedSecondsToDetectOutage).toBeCloseTo(125, 9);
    expect(plan[4]?.expectedSecondsToDetectOutage).toBeUndefined();
  });

  it('treats no traffic as under-powered, and a baseline parameter shifts the plan', () => {
    expect(
      planPower(spec, basis, 0)
        .slice(0, 4)
        .every((s) => s.underpowered && s.minDetectableDrop === undefined),
    ).toBe(true);
    const lower = planPower(spec, basis, 300, { baseline: 0.9 });
    expect(lower[2]?.minDetectableDrop).toBeGreaterThan(plan[2]?.minDetectableDrop ?? 1);
  });

  it('notes that the step before 100 % holds until non-inferiority is shown, and how long that takes', () => {
    const friction = planPower(spec, basis, 300, { expectedDrop: 0.03 });
    expect(friction.map((s) => s.expectedSecondsToShowNonInferiority !== undefined)).toEqual([
      false,
      false,
      false,
      true,
      false,
    ]);
    expect(friction[3]?.warning).toMatch(
      /^holds before 100 % until non-inferiority is shown \(lower bound of treatment - control above -0\.05\): expected \(median\) after ~\d+ min at this traffic with a true drop of 0\.03/,
    );
    // Closer to the margin and with less traffic, the hold lasts longer.
    const slow =
      planPower(spec, basis, 60, { expectedDrop: 0.03 })[3]?.expectedSecondsToShowNonInferiority ?? 0;
    expect(slow).toBeGreaterThan(
      friction[3]?.expectedSecondsToShowNonInferiority ?? Number.POSITIVE_INFINITY,
    );
    expect(
      planPower(spec, basis, 300, { expectedDrop: 0.06 })[3]?.expectedSecondsToShowNonInferiority,
    ).toBeUndefined();
  });
});
