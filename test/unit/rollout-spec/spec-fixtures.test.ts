import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRolloutSpec } from '../../../src/rollout-spec/parse-rollout-spec.js';
import { guardrailSchema } from '../../../src/rollout-spec/rollout-spec-schema.js';

const dir = 'test/fixtures/specs';
const url = new URL('../../fixtures/specs/', import.meta.url);
const files = readdirSync(url);
const names = files.filter((f) => f.endsWith('.yaml'));
const valid = names.filter((f) => f.startsWith('valid-'));
const invalid = names.filter((f) => f.startsWith('invalid-'));

function parseFixture(name: string) {
  return parseRolloutSpec(readFileSync(new URL(name, url), 'utf8'), `${dir}/${name}`);
}

describe('spec fixtures', () => {
  it('has at least 25 invalid fixtures, each with its expected message', () => {
    expect(invalid.length).toBeGreaterThanOrEqual(25);
    for (const name of invalid) expect(files).toContain(name.replace(/\.yaml$/, '.expected.txt'));
  });

  it.each(valid)('%s parses', (name) => {
    const result = parseFixture(name);
    expect(result.ok ? [] : result.error.issues).toEqual([]);
  });

  it.each(invalid)('%s fails with exactly its expected message', (name) => {
    const expected = readFileSync(new URL(name.replace(/\.yaml$/, '.expected.txt'), url), 'utf8')
      .trimEnd()
      .split('\n');
    const result = parseFixture(name);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message.split('\n')).toEqual(expected);
    for (const issue of result.error.issues) {
      expect(issue.source).toBe(`${dir}/${name}`);
      expect(issue.line).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('parseRolloutSpec', () => {
  it('parses durations to milliseconds and fills defaults', () => {
    const result = parseFixture('valid-minimal.yaml');
    if (!result.ok) throw result.error;
    expect(result.value).toMatchObject({
      bake: 900_000,
      tick: 10_000,
      noDataTimeout: 600_000,
      alpha: 0.01,
      onNoData: 'hold',
      rollback: 'disable',
      flag: { project: 'default', environment: 'production', stickiness: 'userId' },
      guardrails: [{ kind: 'compare', name: 'login-success', compare: { matchers: {}, maxDrop: 0.05 } }],
    });
  });

  it('adds the kind discriminant to every guardrail', () => {
    const result = parseFixture('valid-full.yaml');
    if (!result.ok) throw result.error;
    expect(result.value.guardrails.map((g) => g.kind)).toEqual([
      'compare',
      'rate',
      'threshold',
      'threshold',
      'zero',
      'srm',
      'promql',
    ]);
  });

  it('parses the srm settle time, 1m by default', () => {
    const result = parseFixture('valid-full.yaml');
    if (!result.ok) throw result.error;
    const srm = result.value.guardrails.find((g) => g.kind === 'srm');
    expect(srm?.kind === 'srm' && srm.srm.settle).toBe(120_000);
    const minimal = guardrailSchema.parse({ name: 'balance', srm: { metric: 'flag_exposures_total' } });
    expect(minimal.kind === 'srm' && minimal.srm.settle).toBe(60_000);
  });

  it('reads start, soak and afterCompletion, with their defaults', () => {
    const result = parseFixture('valid-full.yaml');
    if (!result.ok) throw result.error;
    expect(result.value).toMatchObject({
      start: { mode: 'at', at: '2026-12-01T09:00:00+01:00' },
      soak: 7_200_000,
      afterCompletion: { alerts: 'rollback' },
    });
    const single = parseFixture('valid-single-step.yaml');
    if (!single.ok) throw single.error;
    expect(single.value).toMatchObject({
      start: { mode: 'manual' },
      soak: 3_600_000,
      afterCompletion: { alerts: 'notify' },
    });
  });

  it('resolves YAML anchors', () => {
    const result = parseFixture('valid-anchors.yaml');
    if (!result.ok) throw result.error;
    const threshold = result.value.guardrails[1];
    expect(threshold?.kind === 'threshold' && threshold.threshold.ratio?.good).toEqual({ result: 'success' });
  });

  it('reports the issue positions as 1-based line and column of the offending node', () => {
    const text =
      'apiVersion: rampart/v1\nkind: Rollout\nname: x\nflag: { backend: e, name: f }\nsteps: [1, 100]\nguardrails:\n  - name: g\n    zero: { metric: m, extra: 1 }\n';
    const result = parseRolloutSpec(text, 'inline.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues).toEqual([
      {
        source: 'inline.yaml',
        line: 8,
        column: 24,
        path: 'guardrails[0].zero.extra',
        message: 'unknown field "extra" allowed: metric, matchers',
      },
    ]);
  });
});
