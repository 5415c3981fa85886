import { describe, expect, it } from 'vitest';
import { spendsAlpha } from '../../../src/analysis/alpha.js';
import { GUARDRAIL_REGISTRY, guardrailKind } from '../../../src/guardrails/registry.js';
import { GUARDRAIL_KINDS } from '../../../src/rollout-spec/rollout-spec-schema.js';

describe('GUARDRAIL_REGISTRY', () => {
  it.each(GUARDRAIL_KINDS)('has an entry for the schema kind %s, serving that kind', (kind) => {
    expect(GUARDRAIL_REGISTRY[kind].kind).toBe(kind);
    expect(guardrailKind(kind)).toBe(GUARDRAIL_REGISTRY[kind]);
  });

  it('has no entry for a kind the schema does not declare', () => {
    expect(Object.keys(GUARDRAIL_REGISTRY).sort()).toEqual([...GUARDRAIL_KINDS].sort());
  });

  // alpha.ts keeps its own list of statistical kinds (analysis/ may not import the registry).
  it('gives past strata exactly to the kinds that spend alpha on cumulative tests', () => {
    const cumulative = GUARDRAIL_KINDS.filter((k) => GUARDRAIL_REGISTRY[k].withEarlier !== undefined);
    expect(cumulative).toEqual(GUARDRAIL_KINDS.filter((k) => spendsAlpha(k)));
  });
});
