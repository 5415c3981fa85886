import { describe, expect, it } from 'vitest';
import type { MemoryContext } from '../../../src/analysis/guardrail-input.js';
import { evaluateGuardrail } from '../../../src/guardrails/evaluate-guardrails.js';
import { type GuardrailOf, guardrailSchema } from '../../../src/rollout-spec/rollout-spec-schema.js';
import { arms, step } from './guardrail-fixtures.js';

function usersG(proveSafe: 'each-step' | 'before-full' | 'off' = 'each-step'): GuardrailOf<'users'> {
  return guardrailSchema.parse({
    name: 'password-failures',
    users: { bad: 'login_users_total', matchers: { result: 'failure' }, maxRatio: 1.5, proveSafe },
  }) as GuardrailOf<'users'>;
}

const fresh: MemoryContext = { prev: undefined, run: 'r', step: 's' };
const judge = (g: GuardrailOf<'users'>, bad: [number, number], exposed: [number, number], s = step(25)) =>
  evaluateGuardrail(
    g,
    { kind: 'users', bad: arms(...bad), exposed: arms(...exposed), memory: fresh },
    s,
    0.0025,
  );

describe('users guardrail', () => {
  it('rolls back when far more treatment users have the bad outcome, and carries its memory', () => {
    const v = judge(usersG(), [60, 30], [500, 1500]);
    expect(v.status).toBe('fail');
    expect(v.onFail).toBe('rollback');
    expect(v.reason).toMatch(
      /^password-failures: bad users treatment 60\/500 vs control 30\/1500 \(ratio 6\); harm e-value over the run /,
    );
    expect(v.memory?.seen).toEqual({ treatment: 60, control: 30 });
  });

  it('holds (inconclusive) until the rate is shown below the margin where proveSafe asks', () => {
    const v = judge(usersG(), [5, 15], [500, 1500]);
    expect(v.status).toBe('inconclusive');
    expect(v.reason).toMatch(/not yet shown below 1.5x: safe e-value [0-9.]+ of 400 needed$/);
    expect(judge(usersG('off'), [5, 15], [500, 1500]).status).toBe('pass');
    expect(judge(usersG('before-full'), [5, 15], [500, 1500]).status).toBe('pass');
    expect(judge(usersG('before-full'), [5, 15], [500, 1500], step(50, true)).status).toBe('inconclusive');
  });

  it('does not hold a canary step of a declared population', () => {
    const s = { ...step(25), stepIndex: 0, steps: [25, 100], population: 300 };
    const v = judge(usersG(), [5, 15], [75, 225], s);
    expect(v.status).toBe('pass');
    expect(v.reason).toContain('canary step (population 300 too small to show it below 1.5x), no harm seen');
  });

  it('stops holding once the declared population is spent without the rate shown', () => {
    // 50 % of 20,000 users: a gated step; early on it holds, once nearly everyone was seen it cannot
    // be shown any more and advances as a canary.
    const s = { ...step(50), stepIndex: 3, steps: [1, 5, 25, 50, 100], population: 20_000 };
    expect(judge(usersG(), [5, 5], [500, 500], s).status).toBe('inconclusive');
    const spent = judge(usersG(), [100, 100], [9_950, 9_950], s);
    expect(spent.status).toBe('pass');
    expect(spent.reason).toContain('canary step (population 20000');
  });

  it('holds a step on suspected harm below the rollback limit, even where nothing else would hold', () => {
    const v = judge(usersG('off'), [35, 30], [500, 1500]);
    expect(v.status).toBe('inconclusive');
    expect(v.reason).toMatch(
      /; harm suspected: e-value over the run 59\.1 >= 23\.1 holds the step \(rollback at 533\)$/,
    );
    expect(judge(usersG('off'), [40, 30], [500, 1500]).status).toBe('fail');
  });

  it('never advances a spent population on adverse evidence: a rate above the margin keeps holding', () => {
    const s = { ...step(50), stepIndex: 3, steps: [1, 5, 25, 50, 100], population: 20_000 };
    const adverse = judge(usersG(), [160, 100], [9_950, 9_950], s);
    expect(adverse.status).toBe('inconclusive');
    expect(adverse.reason).toMatch(/ratio 1\.6\); not yet shown below 1\.5x/);
  });

  it('judges nothing on missing counts', () => {
    const v = evaluateGuardrail(
      usersG(),
      { kind: 'users', bad: { status: 'no-data', reason: 'no series' }, exposed: arms(1, 1) },
      step(25),
      0.0025,
    );
    expect(v.status).toBe('inconclusive');
    expect(v.memory).toBeUndefined();
  });
});
