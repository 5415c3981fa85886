import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ConstraintContext, constraintsMatch } from '../../../src/flag-backends/evaluate-constraints.js';
import {
  type FlexibleRolloutParameters,
  flexibleRolloutEnabled,
} from '../../../src/flag-backends/stickiness-hash.js';
import { CONSTRAINT_OPERATORS, type ServedConstraint } from '../../../src/rollout-spec/flag-scope.js';

const require = createRequire(import.meta.url);
const specDir = join(
  dirname(require.resolve('@unleash/client-specification/package.json')),
  'specifications',
);

interface SpecStrategy {
  name: string;
  parameters?: FlexibleRolloutParameters;
  constraints?: ServedConstraint[];
  segments?: number[];
}
interface SpecFile {
  state: { features: { name: string; enabled: boolean; strategies: SpecStrategy[] }[] };
  tests: { description: string; context: ConstraintContext; toggleName: string; expectedResult: boolean }[];
}

/** The strategies rampart serves (default and flexibleRollout), without segments (Unleash-only). */
const servable = (s: SpecStrategy) => ['default', 'flexibleRollout'].includes(s.name) && !s.segments?.length;

function constraintCases(file: string) {
  const spec = JSON.parse(readFileSync(join(specDir, file), 'utf8')) as SpecFile;
  return spec.tests.flatMap((test) => {
    const feature = spec.state.features.find((f) => f.name === test.toggleName);
    if (feature === undefined || !feature.strategies.every(servable)) return [];
    return [{ file, ...test, feature }];
  });
}

/** What an SDK answers for a feature of default/flexibleRollout strategies: any strategy on. */
function evaluate(feature: SpecFile['state']['features'][number], context: ConstraintContext): boolean {
  if (!feature.enabled) return false;
  return feature.strategies.some(
    (s) =>
      constraintsMatch(s.constraints ?? [], context, new Date()) &&
      (s.name === 'default' ||
        flexibleRolloutEnabled(s.parameters ?? {}, context as Record<string, string>, feature.name)),
  );
}

describe('constraintsMatch against @unleash/client-specification', () => {
  const cases = [
    ...constraintCases('09-strategy-constraints.json'),
    ...constraintCases('11-strategy-constraints-edge-cases.json'),
    ...constraintCases('13-constraint-operators.json'),
    ...constraintCases('14-constraint-semver-operators.json'),
  ];

  it('has the specification cases to check (every operator rampart writes)', () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
    const operators = new Set(
      cases.flatMap((c) => c.feature.strategies.flatMap((s) => s.constraints ?? [])).map((c) => c.operator),
    );
    for (const op of CONSTRAINT_OPERATORS) {
      expect(operators).toContain(op);
    }
  });

  for (const c of cases) {
    it(`${c.file}: ${c.description}`, () => {
      expect(evaluate(c.feature, c.context)).toBe(c.expectedResult);
    });
  }
});

describe('constraintsMatch', () => {
  const staff: ServedConstraint = { contextName: 'accountType', operator: 'IN', values: ['staff'] };
  const now = new Date('2026-06-01T00:00:00Z');

  it('needs every constraint (AND) and reads properties as well as top-level fields', () => {
    const v2: ServedConstraint = { contextName: 'appVersion', operator: 'SEMVER_GT', value: '2.0.0' };
    expect(
      constraintsMatch([staff, v2], { properties: { accountType: 'staff', appVersion: '2.1.0' } }, now),
    ).toBe(true);
    expect(
      constraintsMatch([staff, v2], { accountType: 'staff', properties: { appVersion: '1.9.9' } }, now),
    ).toBe(false);
    expect(constraintsMatch([], {}, now)).toBe(true);
  });

  it('inverts, and fails closed on a missing field', () => {
    expect(constraintsMatch([{ ...staff, inverted: true }], { accountType: 'customer' }, now)).toBe(true);
    expect(constraintsMatch([staff], {}, now)).toBe(false);
  });

  it('evaluates dates on the given clock unless the context carries currentTime', () => {
    const before: ServedConstraint = {
      contextName: 'currentTime',
      operator: 'DATE_BEFORE',
      value: '2026-07-01T00:00:00Z',
    };
    expect(constraintsMatch([before], {}, now)).toBe(true);
    expect(constraintsMatch([before], {}, new Date('2026-08-01T00:00:00Z'))).toBe(false);
    expect(constraintsMatch([before], { currentTime: '2026-08-01T00:00:00Z' }, now)).toBe(false);
  });
});
