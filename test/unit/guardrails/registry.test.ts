import { describe, expect, it } from 'vitest';
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

  it('gives past strata or memory exactly to the kinds that spend alpha on cumulative tests', () => {
    const cumulative = GUARDRAIL_KINDS.filter(
      (k) =>
        GUARDRAIL_REGISTRY[k].withEarlier !== undefined || GUARDRAIL_REGISTRY[k].withMemory !== undefined,
    );
    expect(cumulative).toEqual(GUARDRAIL_KINDS.filter((k) => GUARDRAIL_REGISTRY[k].spendsAlpha));
  });

  // These used to be switches in analysis/; the registry is now the one place that decides them.
  it('pauses on an srm fail (untrustworthy data) and rolls back on every other kind', () => {
    const onFail = Object.fromEntries(GUARDRAIL_KINDS.map((k) => [k, GUARDRAIL_REGISTRY[k].onFail]));
    expect(onFail).toEqual({
      compare: 'rollback',
      rate: 'rollback',
      threshold: 'rollback',
      zero: 'rollback',
      srm: 'pause',
      promql: 'rollback',
      users: 'rollback',
    });
  });

  it('spends alpha on compare, rate and users only', () => {
    const spenders = GUARDRAIL_KINDS.filter((k) => GUARDRAIL_REGISTRY[k].spendsAlpha);
    expect([...spenders].sort()).toEqual(['compare', 'rate', 'users']);
  });

  it('plans detection power for compare only', () => {
    const planned = GUARDRAIL_KINDS.filter((k) => GUARDRAIL_REGISTRY[k].plannedMaxDrop !== undefined);
    expect(planned).toEqual(['compare']);
  });
});
