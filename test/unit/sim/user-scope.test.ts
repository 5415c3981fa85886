import { describe, expect, it } from 'vitest';
import { constraintsMatch } from '../../../src/flag-backends/evaluate-constraints.js';
import { constraintSchema, type FlagConstraint } from '../../../src/rollout-spec/flag-scope.js';
import { satisfyingContext, UserScope } from '../../../src/sim/user-scope.js';

const c = (raw: Record<string, unknown>): FlagConstraint => constraintSchema.parse(raw);
const START = Date.parse('2026-11-30T09:00:00Z');

describe('satisfyingContext', () => {
  const cases = [
    c({ contextName: 'accountType', operator: 'IN', values: ['', 'staff'] }),
    c({ contextName: 'accountType', operator: 'NOT_IN', values: ['customer'] }),
    c({ contextName: 'email', operator: 'STR_ENDS_WITH', values: ['@example.org'], caseInsensitive: true }),
    c({ contextName: 'team', operator: 'STR_STARTS_WITH', values: ['sec'] }),
    c({ contextName: 'team', operator: 'STR_CONTAINS', values: ['ops'] }),
    c({ contextName: 'tenant', operator: 'NUM_GT', value: '10' }),
    c({ contextName: 'tenant', operator: 'NUM_LT', value: '10' }),
    c({ contextName: 'tenant', operator: 'NUM_EQ', value: '3.5' }),
    c({ contextName: 'tenant', operator: 'NUM_GTE', value: '1' }),
    c({ contextName: 'tenant', operator: 'NUM_LTE', value: '1' }),
    c({ contextName: 'appVersion', operator: 'SEMVER_GT', value: '2.3.4' }),
    c({ contextName: 'appVersion', operator: 'SEMVER_GT', value: '2.3.4-beta.1' }),
    c({ contextName: 'appVersion', operator: 'SEMVER_LT', value: '1.0.0' }),
    c({ contextName: 'appVersion', operator: 'SEMVER_EQ', value: '1.0.0' }),
    c({ contextName: 'region', operator: 'IN', values: ['eu'], inverted: true }),
    c({ contextName: 'currentTime', operator: 'DATE_BEFORE', value: '2027-01-01T00:00:00Z' }),
  ];
  for (const constraint of cases) {
    it(`satisfies ${constraint.contextName} ${constraint.inverted ? 'NOT ' : ''}${constraint.operator}`, () => {
      const context = satisfyingContext([constraint]);
      expect(constraintsMatch([constraint], { userId: 'user-1', properties: context }, new Date(START))).toBe(
        true,
      );
    });
  }

  it('is empty without constraints and gives staff for the flagship scope', () => {
    expect(satisfyingContext([])).toEqual({});
    expect(satisfyingContext([c({ contextName: 'accountType', operator: 'IN', values: ['staff'] })])).toEqual(
      {
        accountType: 'staff',
      },
    );
  });
});

describe('UserScope', () => {
  it('puts every user in scope without constraints', () => {
    const scope = new UserScope([], {}, 10, START);
    expect([1, 5, 10].every((u) => scope.has(u, 0))).toBe(true);
  });

  it('decides by the constraints on userId and the context', () => {
    const few = c({ contextName: 'userId', operator: 'IN', values: ['user-2', 'user-3'] });
    const staff = c({ contextName: 'accountType', operator: 'IN', values: ['staff'] });
    const scope = new UserScope([few, staff], { accountType: 'staff' }, 5, START);
    expect([1, 2, 3, 4].map((u) => scope.has(u, 0))).toEqual([false, true, true, false]);
    expect(new UserScope([staff], { accountType: 'customer' }, 5, START).has(2, 0)).toBe(false);
  });

  it('follows the simulated clock for date constraints', () => {
    const until = c({ contextName: 'currentTime', operator: 'DATE_BEFORE', value: '2026-11-30T10:00:00Z' });
    const scope = new UserScope([until], {}, 5, START);
    expect(scope.has(1, 59 * 60_000)).toBe(true);
    expect(scope.has(1, 61 * 60_000)).toBe(false);
  });
});
