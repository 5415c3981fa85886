import fc from 'fast-check';
import { defaultStrategies } from 'unleash-client/lib/strategy/index.js';
import { describe, expect, it } from 'vitest';
import { exposureReport } from '../../../src/exposure/exposure-report.js';
import type { FlagPeriod } from '../../../src/exposure/flag-timeline.js';
import { type ExposureUser, exposureDecider } from '../../../src/exposure/user-exposure.js';

const userExposure = (f: FlagRef, user: ExposureUser, periods: (FlagPeriod & { until: Date })[]) =>
  exposureDecider(f, periods)(user);

import type { FlagConstraint } from '../../../src/rollout-spec/flag-scope.js';
import type { FlagRef } from '../../../src/rollout-spec/rollout-spec-schema.js';

const B = Date.parse('2026-12-01T10:00:00Z');
const staffOnly: FlagConstraint = {
  contextName: 'accountType',
  operator: 'IN',
  values: ['staff'],
  inverted: false,
  caseInsensitive: false,
};
const flag = (extra: Partial<FlagRef> = {}): FlagRef => ({
  backend: 'embedded',
  name: 'mfa-staff-login',
  project: 'default',
  environment: 'production',
  stickiness: 'userId',
  constraints: [staffOnly],
  ...extra,
});

const found = defaultStrategies.find((s) => s.name === 'flexibleRollout');
if (!found) throw new Error('unleash-client has no flexibleRollout strategy');
const strategy = found;

/** unleash-client's own answer for one evaluation at `t` of rampart's strategy at `percentage`. */
function sdkOn(f: FlagRef, user: ExposureUser, percentage: number, t: number): boolean {
  const parameters = { rollout: String(percentage), stickiness: f.stickiness, groupId: f.groupId ?? f.name };
  const context = { userId: user.userId, properties: { ...user.fields }, currentTime: new Date(t) };
  // biome-ignore lint/suspicious/noExplicitAny: the SDK's Constraint type is not exported by path.
  const constraints = (f.constraints ?? []).map((c) => ({ ...c, values: c.values ?? [] })) as any[];
  return strategy.isEnabledWithConstraints(parameters, context, constraints[Symbol.iterator]());
}

describe('exposureDecider', () => {
  it('agrees with unleash-client evaluated at every millisecond of the window', () => {
    const periodArb = fc.array(
      fc.record({ ms: fc.integer({ min: 1, max: 40 }), pct: fc.integer({ min: 0, max: 100 }) }),
      {
        minLength: 1,
        maxLength: 4,
      },
    );
    const userArb = fc.record({
      id: fc.oneof(
        fc.integer({ min: 1, max: 5000 }).map((n) => `user-${n}`),
        fc.string({ minLength: 1, maxLength: 12 }),
      ),
      accountType: fc.constantFrom('staff', 'contractor', undefined),
    });
    const dateArb = fc.option(
      fc.record({
        op: fc.constantFrom('DATE_AFTER' as const, 'DATE_BEFORE' as const),
        ms: fc.integer({ min: -5, max: 170 }),
      }),
    );
    fc.assert(
      fc.property(
        periodArb,
        fc.array(userArb, { minLength: 1, maxLength: 8 }),
        dateArb,
        (spans, users, date) => {
          const constraints: FlagConstraint[] = [staffOnly];
          if (date)
            constraints.push({
              contextName: 'currentTime',
              operator: date.op,
              value: new Date(B + date.ms).toISOString(),
              inverted: false,
              caseInsensitive: false,
            });
          const f = flag({ constraints });
          let t = B;
          const periods: (FlagPeriod & { until: Date })[] = spans.map((s) => {
            const p = { from: new Date(t), until: new Date(t + s.ms), percentage: s.pct };
            t += s.ms;
            return p;
          });
          for (const u of users) {
            const user: ExposureUser = {
              userId: u.id,
              fields: u.accountType ? { accountType: u.accountType } : {},
            };
            const got = userExposure(f, user, periods);
            // The oracle: the SDK at every ms (the last period's end is inclusive).
            const probe = u.accountType ? user : { ...user, fields: { accountType: 'staff' } };
            const onAt = periods.flatMap((p, i) => {
              const end = i === periods.length - 1 ? p.until.getTime() : p.until.getTime() - 1;
              const hits: number[] = [];
              for (let ms = p.from.getTime(); ms <= end; ms++)
                if (sdkOn(f, probe, p.percentage, ms)) hits.push(ms);
              return hits;
            });
            const expected = onAt.length === 0 ? 'not_exposed' : u.accountType ? 'exposed' : 'undecided';
            expect(got.status).toBe(expected);
            if (got.status === 'exposed') expect(got.since.getTime()).toBe(onAt[0]);
          }
        },
      ),
      { numRuns: 150, seed: 20 },
    );
  });

  it('says why it cannot decide or why an account was not exposed', () => {
    const period = { from: new Date(B), until: new Date(B + 1000), percentage: 25 };
    const periods = [period];
    const bySession = flag({ stickiness: 'sessionId' });
    expect(
      userExposure(bySession, { userId: 'u1', fields: { accountType: 'staff' } }, periods),
    ).toMatchObject({
      status: 'undecided',
      reason: 'stickiness sessionId: the input has no sessionId for this account',
    });
    // A failing scope decides even without the stickiness field.
    expect(userExposure(bySession, { userId: 'u1', fields: { accountType: 'bot' } }, periods)).toMatchObject({
      status: 'not_exposed',
      reason: 'out of scope (accountType IN [staff])',
    });
    expect(
      userExposure(
        flag({ stickiness: 'random' }),
        { userId: 'u1', fields: { accountType: 'staff' } },
        periods,
      ),
    ).toMatchObject({ status: 'undecided', reason: 'stickiness random draws per evaluation' });
    expect(
      userExposure(flag({ segments: ['beta'] }), { userId: 'user-3', fields: { accountType: 'staff' } }, [
        { ...period, percentage: 100 },
      ]),
    ).toMatchObject({ status: 'undecided', reason: 'segments [beta] are defined in Unleash' });
    const unknown = [{ ...period, unknown: 'hand change' }];
    expect(userExposure(flag(), { userId: 'u1', fields: { accountType: 'staff' } }, unknown)).toMatchObject({
      status: 'undecided',
      reason: 'hand change',
    });
    const off = userExposure(flag(), { userId: 'user-1', fields: { accountType: 'staff' } }, [
      { ...period, percentage: 0 },
    ]);
    expect(off).toMatchObject({ status: 'not_exposed', reason: 'the flag served nobody' });
  });
});

describe('exposureReport', () => {
  it('estimates the exposed share from the highest percentage of the window', () => {
    const audit = [
      { seq: 1, at: new Date(B), action: 'created' as const, toPercentage: 0 },
      { seq: 2, at: new Date(B + 10_000), action: 'started' as const, toPercentage: 5 },
      { seq: 3, at: new Date(B + 20_000), action: 'advanced' as const, toPercentage: 25 },
    ].map((e) => ({
      ...e,
      rollout: 'r',
      actor: 'rampart',
      fromPhase: null,
      fromPercentage: null,
      toPhase: null,
      reason: '',
      evidence: null,
    }));
    const window = { from: new Date(B + 15_000), to: new Date(B + 30_000) };
    const report = exposureReport('r', flag(), audit, { ...window, population: 2000 });
    expect(report.maxPercentage).toBe(25);
    expect(report.estimate).toEqual({ share: 0.25, population: 2000, exposed: 500 });
    expect(report.timeline.map((p) => p.percentage)).toEqual([5, 25]);
    expect(report.users).toBeUndefined();
    const before = exposureReport('r', flag(), audit, { from: new Date(B), to: new Date(B + 5_000) });
    expect(before.estimate).toEqual({ share: 0, population: null, exposed: null });
  });
});
