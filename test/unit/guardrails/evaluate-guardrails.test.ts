import { describe, expect, it } from 'vitest';
import {
  ALPHA_RULE,
  comparativeSteps,
  describeAlphaSplit,
  splitTestAlpha,
} from '../../../src/analysis/alpha.js';
import type { GuardrailInput } from '../../../src/analysis/guardrail-input.js';
import { plannedRunSamples, plannedSamples } from '../../../src/analysis/planned-sample.js';
import { nextStepRemovesControl } from '../../../src/analysis/step-context.js';
import { evaluateGuardrails } from '../../../src/guardrails/evaluate-guardrails.js';
import { alphaSpendingGuardrails, guardrailAlpha, guardrailKind } from '../../../src/guardrails/registry.js';
import { rolloutSpecSchema } from '../../../src/rollout-spec/rollout-spec-schema.js';
import { arms, ok } from '../analysis/guardrail-fixtures.js';

const spec = rolloutSpecSchema.parse({
  apiVersion: 'rampart/v1',
  kind: 'Rollout',
  name: 'mfa-staff',
  flag: { backend: 'unleash', name: 'mfa-staff-login' },
  steps: [1, 5, 25, 50, 100],
  guardrails: [
    {
      name: 'login-success',
      compare: { metric: 'login_attempts_total', good: { result: 'success' }, maxDrop: 0.05 },
    },
    { name: 'logout-loop', rate: { events: 'logouts_total', per: 'login_attempts_total', maxRatio: 1.5 } },
    {
      name: 'global-login-success',
      threshold: { ratio: { metric: 'login_attempts_total', good: { result: 'success' } }, min: 0.9 },
    },
    { name: 'enrollment-integrity', zero: { metric: 'mfa_enrollment_owner_mismatch_total' } },
    { name: 'exposure-balance', srm: { metric: 'flag_exposures_total' } },
  ],
});

describe('alpha split', () => {
  it('gives each compare/rate guardrail an equal Bonferroni share, 3/4 for the run, 1/4 over the steps', () => {
    expect(guardrailAlpha(spec)).toBeCloseTo(0.01 / 2, 15);
    const split = splitTestAlpha(guardrailAlpha(spec), comparativeSteps(spec));
    expect(split.wholeRun).toBeCloseTo(0.00375, 15);
    expect(split.currentStep).toBeCloseTo(0.00125 / 4, 15);
    // Whole-run sequence plus one current-step sequence per step below 100 %: the guardrail's share.
    expect(split.wholeRun + comparativeSteps(spec) * split.currentStep).toBeCloseTo(guardrailAlpha(spec), 15);
    expect(describeAlphaSplit(spec, alphaSpendingGuardrails(spec.guardrails))).toBe(
      "alpha 0.01 over 2 statistical guardrail(s): 0.005 per guardrail, 0.00375 for one confidence sequence over the run's 4 step(s) below 100 % and 3.13e-4 for each step's own sequence",
    );
    expect(ALPHA_RULE).toContain('Bonferroni');
    expect((['zero', 'threshold', 'promql', 'srm'] as const).some((k) => guardrailKind(k).spendsAlpha)).toBe(
      false,
    );
  });

  it('does not divide by zero for a spec without statistical guardrails or comparative steps', () => {
    const onlyFull: typeof spec = { ...spec, steps: [100] };
    expect(guardrailAlpha(onlyFull)).toBeCloseTo(0.005, 15);
    expect(guardrailAlpha({ ...spec, guardrails: [] })).toBeCloseTo(0.01, 15);
  });

  it("plans N* from minSamples with a floor, and the run's N* over the steps below 100 %", () => {
    expect(plannedSamples(spec)).toBe(200);
    expect(plannedRunSamples(spec)).toBe(800);
    expect(plannedRunSamples({ minSamples: 0, steps: [100] })).toBe(100);
    expect(plannedSamples({ minSamples: 0 })).toBe(100);
    expect(plannedSamples({ minSamples: 5000 })).toBe(5000);
  });
});

describe('evaluateGuardrails', () => {
  it('returns one verdict per guardrail in spec order, each judged on its own input', () => {
    const inputs: GuardrailInput[] = [
      { kind: 'compare', good: arms(0, 985), total: arms(10, 1000) },
      { kind: 'rate', events: arms(2, 200), per: arms(10, 1000) },
      { kind: 'threshold', value: ok(0.97), events: ok(1010) },
      { kind: 'zero', increase: ok(0) },
      { kind: 'srm', exposures: arms(10, 1000) },
    ];
    const verdicts = evaluateGuardrails(spec, inputs, { stepIndex: 0, percentage: 1 });
    expect(verdicts.map((v) => [v.guardrail, v.status])).toEqual([
      ['login-success', 'fail'],
      ['logout-loop', 'pass'],
      ['global-login-success', 'pass'],
      ['enrollment-integrity', 'pass'],
      ['exposure-balance', 'pass'],
    ]);
    expect(verdicts[0]?.evidence.alpha).toBeCloseTo(0.005, 15);
  });

  it('reports a missing input as an error verdict instead of throwing', () => {
    const verdicts = evaluateGuardrails(spec, [], { stepIndex: 1, percentage: 5 });
    expect(verdicts).toHaveLength(5);
    expect(verdicts.every((v) => v.status === 'error')).toBe(true);
  });
});

describe('non-inferiority gate before the control arm disappears', () => {
  it('applies only at the step whose successor is the last (100 %) step', () => {
    expect([0, 1, 2, 3, 4].map((i) => nextStepRemovesControl(spec.steps, i))).toEqual([
      false,
      false,
      false,
      true,
      false,
    ]);
    expect(nextStepRemovesControl([10, 100], 0)).toBe(true);
    expect(nextStepRemovesControl([100], 0)).toBe(false);
  });

  // Healthy MFA friction: treatment 0.955 vs control 0.985, 0.03 below where 0.05 is allowed.
  const compareAt50 = (n: number): GuardrailInput => ({
    kind: 'compare',
    good: arms(Math.round(0.955 * n), Math.round(0.985 * n)),
    total: arms(n, n),
  });
  const rateAt50 = (n: number): GuardrailInput => ({
    kind: 'rate',
    events: arms(Math.round(0.3 * n), Math.round(0.3 * n)),
    per: arms(n, n),
  });
  const judge = (stepIndex: number, n: number) =>
    evaluateGuardrails(spec, [compareAt50(n), rateAt50(n)], {
      stepIndex,
      percentage: spec.steps[stepIndex] ?? 0,
    });

  it('holds the 50 % step (inconclusive, never fail) until the lower bound clears -maxDrop', () => {
    const [compare, rate] = judge(3, 400);
    expect(compare?.status).toBe('inconclusive');
    expect(compare?.reason).toMatch(
      /^login-success: non-inferiority not shown yet before 100 % \(lower bound -0\.\d{3} < -0\.050\); holding; /,
    );
    expect(compare?.evidence.bound).toBeLessThan(-0.05);
    expect(rate?.status).toBe('inconclusive');
    expect(rate?.reason).toMatch(
      /^logout-loop: non-inferiority not shown yet before 100 % \(upper bound [\d.]+ >= 1\.5\)/,
    );
    // The same counts at the 25 % step: no gate, the usual pass.
    expect(
      judge(2, 400)
        .slice(0, 2)
        .map((v) => v.status),
    ).toEqual(['pass', 'pass']);
  });

  it('lets the step pass once non-inferiority is shown', () => {
    const [compare, rate] = judge(3, 20_000);
    expect(compare?.status).toBe('pass');
    expect(compare?.reason).toMatch(
      /non-inferiority shown before 100 % \(lower bound -0\.0[34]\d > -0\.050\)$/,
    );
    expect(rate?.status).toBe('pass');
    expect(rate?.reason).toMatch(/non-inferiority shown before 100 % \(upper bound 1\.\d+ < 1\.5\)$/);
  });

  it('leaves the fail rule as it is: a proven harm still fails at the gated step', () => {
    const n = 2000;
    const harm: GuardrailInput = {
      kind: 'compare',
      good: arms(Math.round(0.85 * n), Math.round(0.985 * n)),
      total: arms(n, n),
    };
    const [compare] = evaluateGuardrails(spec, [harm, rateAt50(n)], { stepIndex: 3, percentage: 50 });
    expect(compare?.status).toBe('fail');
    expect(compare?.reason).toContain('upper bound');
  });
});
