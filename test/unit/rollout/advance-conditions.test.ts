import { describe, expect, it } from 'vitest';
import type { GuardrailReading } from '../../../src/rollout/advance-conditions.js';
import {
  advanceConditions,
  needsApproval,
  stepNeedsApproval,
  treatmentSamples,
} from '../../../src/rollout/advance-conditions.js';
import { testSpec } from '../../support/controller-harness.js';

const STARTED = new Date('2026-11-30T12:00:00Z');
const at = (seconds: number) => new Date(STARTED.getTime() + seconds * 1000);
// steps 1, 5, 25, 50, 100; bake 1m; minSamples 100; approval above 5 %.
const state = (overrides: { stepIndex?: number; approvedStep?: number | null } = {}) => ({
  spec: testSpec({ approvals: { above: 5 } }),
  stepIndex: 1,
  stepStartedAt: STARTED,
  approvedStep: null,
  ...overrides,
});
const reading = (guardrail: string, status: string, n = 150): GuardrailReading => ({
  guardrail,
  status,
  evidence: { treatment: { n } },
});
const byName = (conditions: ReturnType<typeof advanceConditions>) =>
  Object.fromEntries(conditions.map((c) => [c.name, c]));

describe('advanceConditions', () => {
  it('lists every condition, unmet ones with what people read and what the controller holds for', () => {
    const c = byName(
      advanceConditions(state(), [reading('login-success', 'inconclusive', 40)], at(20), false),
    );
    expect(c.bake).toEqual({
      name: 'bake',
      met: false,
      detail: '40 s of bake left',
      hold: 'baking: 20s of 1m',
    });
    expect(c.samples).toMatchObject({ met: false, hold: 'treatment samples 40 of 100' });
    expect(c.guardrails).toMatchObject({
      met: false,
      detail: 'login-success inconclusive',
      hold: 'login-success inconclusive',
    });
    expect(c.window).toMatchObject({ met: false, hold: 'outside the allowed windows' });
    expect(c.approval).toMatchObject({
      met: false,
      detail: "steps above 5 % need a release manager's approval",
      hold: null,
    });
  });

  it('meets every condition once baked, sampled, passing, inside the window and approved', () => {
    const conditions = advanceConditions(
      state({ approvedStep: 2 }),
      [reading('a', 'pass'), reading('b', 'pass', 10)],
      at(60),
      true,
    );
    expect(conditions.every((c) => c.met && c.hold === null)).toBe(true);
    expect(byName(conditions).guardrails?.detail).toBe('all pass');
  });

  it('does not count missing verdicts as met, but leaves them to the samples rule and the no-data timeout', () => {
    const c = byName(advanceConditions(state(), [], at(60), true));
    expect(c.guardrails).toEqual({ name: 'guardrails', met: false, detail: 'no verdicts yet', hold: null });
    expect(c.samples?.hold).toBe('treatment samples 0 of 100');
  });

  it('rounds fractional event counts for people and keeps the exact figures', () => {
    const met = byName(advanceConditions(state(), [reading('a', 'pass', 604.8130841121496)], at(60), true));
    expect(met.samples).toMatchObject({
      met: true,
      detail: '605 of 100 treatment events',
      figures: { value: 604.8130841121496, required: 100 },
    });
    // Never "100 of 100" while the condition still waits.
    const unmet = byName(advanceConditions(state(), [reading('a', 'pass', 99.7)], at(60), true));
    expect(unmet.samples).toMatchObject({ met: false, hold: 'treatment samples 99 of 100' });
  });
});

describe('approval rule', () => {
  it('asks for steps above approvals.above until that step is approved', () => {
    const spec = testSpec({ approvals: { above: 5 } });
    expect(stepNeedsApproval(spec, 5)).toBe(false);
    expect(stepNeedsApproval(spec, 25)).toBe(true);
    expect(stepNeedsApproval(testSpec(), 100)).toBe(false);
    expect(needsApproval({ spec, approvedStep: null }, 2)).toBe(true);
    expect(needsApproval({ spec, approvedStep: 2 }, 2)).toBe(false);
    expect(needsApproval({ spec, approvedStep: null }, 9)).toBe(false);
  });

  it('counts the largest treatment n of any guardrail as the samples', () => {
    expect(treatmentSamples([reading('a', 'pass', 10), reading('b', 'pass', 30)])).toBe(30);
    expect(treatmentSamples([])).toBe(0);
  });
});
