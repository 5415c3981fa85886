import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { normalizedStrategyValue } from 'unleash-client/lib/strategy/util.js';
import { describe, expect, it } from 'vitest';
import {
  type FlexibleRolloutParameters,
  flexibleRolloutEnabled,
  murmurhash3x86,
  normalizedValue,
  type StickinessContext,
} from '../../../src/flag-backends/stickiness-hash.js';

const require = createRequire(import.meta.url);
const specDir = join(
  dirname(require.resolve('@unleash/client-specification/package.json')),
  'specifications',
);

interface SpecFile {
  state: {
    features: { name: string; strategies: { name: string; parameters?: FlexibleRolloutParameters }[] }[];
  };
  tests: { description: string; context: StickinessContext; toggleName: string; expectedResult: boolean }[];
}

function flexibleRolloutCases(file: string) {
  const spec = JSON.parse(readFileSync(join(specDir, file), 'utf8')) as SpecFile;
  return spec.tests.map((test) => {
    const feature = spec.state.features.find((f) => f.name === test.toggleName);
    const strategy = feature?.strategies[0];
    if (strategy?.name !== 'flexibleRollout')
      throw new Error(`${file}: ${test.toggleName} is not flexibleRollout`);
    return { ...test, parameters: strategy.parameters ?? {} };
  });
}

/** Deterministic ids of mixed shapes: numbers, uuids-ish, emails, a few non-ASCII. */
function ids(count: number): string[] {
  const out: string[] = [];
  let x = 12345;
  for (let i = 0; i < count; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    if (i % 4 === 0) out.push(String(i));
    else if (i % 4 === 1) out.push(`user-${x.toString(16)}`);
    else if (i % 4 === 2) out.push(`staff${i}@example.org`);
    else out.push(`ü-${x % 1000}-名前-${i}`);
  }
  return out;
}

describe('murmurhash3x86', () => {
  it('matches published murmurhash3 x86_32 vectors', () => {
    expect(murmurhash3x86('', 0)).toBe(0);
    expect(murmurhash3x86('', 1)).toBe(0x514e28b7);
    expect(murmurhash3x86('hello', 0)).toBe(0x248bfa47);
    expect(murmurhash3x86('The quick brown fox jumps over the lazy dog', 0)).toBe(0x2e4ff723);
  });
});

describe('normalizedValue', () => {
  it('agrees with unleash-client on 10,000 ids and several groups', () => {
    const groups = ['mfa-staff-login', 'Feature.flexibleRollout.10', 'g'];
    let compared = 0;
    for (const id of ids(10_000)) {
      for (const group of groups) {
        expect(normalizedValue(id, group)).toBe(normalizedStrategyValue(id, group));
        compared++;
      }
    }
    expect(compared).toBe(30_000);
  });

  it('stays in 1..100', () => {
    const values = ids(2000).map((id) => normalizedValue(id, 'x'));
    expect(Math.min(...values)).toBe(1);
    expect(Math.max(...values)).toBe(100);
  });
});

describe('flexibleRolloutEnabled against @unleash/client-specification', () => {
  const cases = [
    ...flexibleRolloutCases('10-flexible-rollout-strategy.json'),
    ...flexibleRolloutCases('12-custom-stickiness.json'),
  ];

  it('has the specification cases to check', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  for (const c of cases) {
    it(c.description, () => {
      expect(flexibleRolloutEnabled(c.parameters, c.context, c.toggleName)).toBe(c.expectedResult);
    });
  }
});

describe('flexibleRolloutEnabled', () => {
  it('is off for a user without the stickiness field (fail closed)', () => {
    expect(flexibleRolloutEnabled({ rollout: '100', stickiness: 'userId' }, { sessionId: 's' }, 'f')).toBe(
      false,
    );
  });

  it('is monotone: a user on at 5 % is on at every higher percentage', () => {
    for (const id of ids(3000)) {
      const at5 = flexibleRolloutEnabled({ rollout: '5', stickiness: 'userId' }, { userId: id }, 'f');
      if (!at5) continue;
      for (const p of [25, 50, 100]) {
        expect(
          flexibleRolloutEnabled({ rollout: String(p), stickiness: 'userId' }, { userId: id }, 'f'),
        ).toBe(true);
      }
    }
  });

  it('uses the flag name as group when groupId is empty', () => {
    const a = flexibleRolloutEnabled({ rollout: '50', stickiness: 'userId' }, { userId: '7' }, 'flag-a');
    expect(a).toBe(normalizedValue('7', 'flag-a') <= 50);
  });
});
