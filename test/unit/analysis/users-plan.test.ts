import { describe, expect, it } from 'vitest';
import { canarySteps, usersHold } from '../../../src/analysis/users-plan.js';
import {
  type GuardrailOf,
  guardrailSchema,
  type RolloutSpec,
  rolloutSpecSchema,
} from '../../../src/rollout-spec/rollout-spec-schema.js';

const g = guardrailSchema.parse({
  name: 'password-failures',
  users: { bad: 'login_users_total', matchers: { result: 'failure' }, maxRatio: 1.5, baseline: 0.02 },
}) as GuardrailOf<'users'>;

function spec(population?: number, proveSafe = 'each-step'): RolloutSpec {
  return rolloutSpecSchema.parse({
    apiVersion: 'rampart/v1',
    kind: 'Rollout',
    name: 'x',
    flag: { backend: 'embedded', name: 'x' },
    steps: [1, 5, 25, 50, 100],
    ...(population === undefined ? {} : { population }),
    guardrails: [{ name: g.name, users: { ...g.users, proveSafe } }],
  });
}

describe('users plan', () => {
  it('makes every step a canary for 300 staff and none without a declared population', () => {
    expect(canarySteps(g, spec(300), 0.0025)).toEqual([0, 1, 2, 3]);
    expect(canarySteps(g, spec(), 0.0025)).toEqual([]);
    // 20,000 users: 1 % and 5 % cannot show it even with everyone through them; 25 % can.
    expect(canarySteps(g, spec(20_000), 0.0025)).toEqual([0, 1]);
  });

  it('says how long each gated step holds: a day at 1 % without a population, its canaries to see the population', () => {
    const hold = usersHold(g, { spec: spec(), perMinute: 300, alpha: 0.0025 });
    // At 1 % a bad user carries ~0.001 nats: thousands of them, at 6 bad users a minute.
    expect(hold.seconds).toBeGreaterThan(20 * 3600);
    expect(hold.text).toMatch(/^longest hold at 1 %: below 1.5x shown after ~\d+ min/);
    const small = usersHold(g, { spec: spec(300), perMinute: 30, alpha: 0.0025 });
    // 300 staff: every step is a canary that waits to see 285 of them (~10 min at 30 users/min).
    expect(small.text).toMatch(
      /^longest hold at 1 %: a canary, 95 % of the population seen after ~10 min \(within the bake\)\. canary step\(s\) 1 % \(~3 treatment users\)/,
    );
    expect(small.text).toContain(
      '5 %: 15 treatment users per bake, a canary: waits to see 95 % of the population, canaryMaxWait at most (~10 min)',
    );
    const gOff = { ...g, users: { ...g.users, proveSafe: 'off' as const } };
    const off = usersHold(gOff, { spec: spec(300, 'off'), perMinute: 30, alpha: 0.0025 });
    expect(off.text).toMatch(/^never holds/);
    // 20,000 users: 1 % and 5 % are canaries that wait to see 19,000 users (~64 min at 300/min).
    const big = usersHold(g, { spec: spec(20_000), perMinute: 300, alpha: 0.0025 });
    expect(big.text).toContain(
      '1 %: 45 treatment users per bake, a canary: waits to see 95 % of the population, canaryMaxWait at most (~64 min)',
    );
    // What the two canary waits carried lets 25 % show it before its population is spent.
    expect(big.text).toContain('25 %: 1125 treatment users per bake, shown after ~64 min');
    const bigOff = usersHold(
      { ...g, users: { ...g.users, proveSafe: 'before-full' as const } },
      { spec: spec(20_000), perMinute: 300, alpha: 0.0025 },
    );
    expect(bigOff.text).toContain('1 %: 45 treatment users per bake, not gated');
  });
});
