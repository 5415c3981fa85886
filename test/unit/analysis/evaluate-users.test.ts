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
/** The first (1 %) step of a 300-staff rollout, `min` minutes after it started. */
const staffCanary = (min?: number) => ({
  ...step(1),
  stepIndex: 0,
  steps: [1, 5, 25, 50, 100],
  population: 300,
  ...(min === undefined ? {} : { sinceStepStartMs: min * 60_000 }),
});
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

  it('holds a gated canary step until 95 % of the declared population was seen, or arrivals slow', () => {
    const s = staffCanary();
    const early = judge(usersG(), [0, 2], [2, 200], s);
    expect(early.status).toBe('inconclusive');
    expect(early.reason).toMatch(
      /; canary step: waits for 904 treatment users, 285 users seen \(95 % of population 300\) or new users to slow down: 2\/202 seen$/,
    );
    expect(judge(usersG(), [0, 2], [3, 282], s).status).toBe('pass');
    // Only where proveSafe gates the step: `off` and `before-full` below the last step never wait.
    expect(judge(usersG('off'), [0, 2], [2, 200], s).status).toBe('pass');
    expect(judge(usersG('before-full'), [0, 2], [2, 200], s).status).toBe('pass');
  });

  it('stops a canary wait once new users slow down, though part of the population never comes', () => {
    const g = usersG();
    const s = staffCanary;
    // 200 of the 300 staff log in; by 30 minutes 150 were seen, by 60 minutes 190 (40 of them late).
    let memory: MemoryContext = fresh;
    const at = (min: number, seenC: number) => {
      const v = evaluateGuardrail(
        g,
        { kind: 'users', bad: arms(0, 2), exposed: arms(2, seenC), memory },
        s(min),
        0.0025,
      );
      memory = { ...fresh, prev: v.memory };
      return v;
    };
    for (let min = 1; min <= 30; min++) at(min, 5 * min - 2);
    const busy = at(60, 188);
    expect(busy.status).toBe('inconclusive');
    expect(busy.reason).toMatch(/2\/190 seen, 40 of them in the latest half of the step$/);
    // From 60 to 120 minutes only 8 more: the step has seen the people who come, and moves on.
    expect(at(120, 196).status).toBe('pass');
  });

  it('stops a canary wait at canaryMaxWait, and once a 2x-margin harm would have shown', () => {
    const s = { ...step(1), stepIndex: 0, steps: [1, 5, 25, 50, 100], population: 20_000 };
    const at = (elapsedMin: number, exposed: [number, number]) =>
      judge(usersG(), [0, 2], exposed, {
        ...s,
        sinceStepStartMs: elapsedMin * 60_000,
        canaryMaxWaitMs: 4 * 3_600_000,
      });
    expect(at(239, [100, 10_000]).status).toBe('inconclusive');
    expect(at(240, [100, 10_000]).status).toBe('pass');
    // At 1 % of 20,000 (200 people) power is out of reach; at 5 % of 30,000 (1,500 people) it is not.
    const big = { ...s, percentage: 5, population: 30_000, stepIndex: 1 };
    const waitFor = judge(usersG(), [0, 2], [10, 190], big).reason.match(/waits for (\d+) treatment users/);
    const n = Number(waitFor?.[1]);
    expect(n).toBeGreaterThan(100);
    expect(judge(usersG(), [0, 2], [n, 19 * n], big).status).toBe('pass');
  });

  it('keeps a canary step that leans toward harm waiting for canaryMaxWait, though it has seen everyone', () => {
    const s = (min: number) => ({ ...staffCanary(min), canaryMaxWaitMs: 4 * 3_600_000 });
    // 1 of 3 treatment users against 5 of 282 control users: below the suspected-harm hold, above 1.
    const leaning = judge(usersG(), [1, 5], [3, 282], s(60));
    expect(leaning.status).toBe('inconclusive');
    expect(leaning.reason).toMatch(
      /; canary step: the data lean toward harm \(harm e-value above 1\), waits for canaryMaxWait: 3\/285 seen, /,
    );
    expect(judge(usersG(), [1, 5], [3, 282], s(240)).status).toBe('pass');
    // The same coverage without the treatment user's bad outcome leans away from harm: it moves on.
    expect(judge(usersG(), [0, 5], [3, 282], s(60)).status).toBe('pass');
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
      /; harm suspected: e-value over the run 59\.1 >= 8\.11 holds the step \(rollback at 533\)$/,
    );
    expect(v.harmSuspected).toBe(true);
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
