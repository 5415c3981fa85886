import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../src/sim/parse-scenario.js';

const dir = 'test/fixtures/scenarios';
const names = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
const invalid = names.filter((f) => f.startsWith('invalid-'));

function parse(name: string) {
  return parseScenario(readFileSync(`${dir}/${name}`, 'utf8'), `${dir}/${name}`);
}

describe('scenario files', () => {
  it('has an expected message for every invalid fixture', () => {
    expect(invalid.length).toBeGreaterThanOrEqual(8);
    for (const name of invalid)
      expect(names.map((n) => n.replace(/\.yaml$/, '.expected.txt'))).toContain(
        name.replace(/\.yaml$/, '.expected.txt'),
      );
  });

  it.each(invalid)('%s fails with exactly its expected message (file:line:col)', async (name) => {
    const expected = readFileSync(`${dir}/${name.replace(/\.yaml$/, '.expected.txt')}`, 'utf8')
      .trimEnd()
      .split('\n');
    const result = await parse(name);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message.split('\n')).toEqual(expected);
    for (const issue of result.error.issues) {
      expect(issue.source).toBe(`${dir}/${name}`);
      expect(issue.line).toBeGreaterThanOrEqual(1);
    }
  });

  it('parses an inline spec, with durations in ms and the fault effect as a discriminant', async () => {
    const result = await parse('valid-inline-spec.yaml');
    if (!result.ok) throw new Error(result.error.message);
    const s = result.value;
    expect(s.spec.name).toBe('inline');
    expect(s.spec.bake).toBe(300_000);
    expect(s.tick).toBe(10_000);
    expect(s.faults).toEqual([{ effect: 'serverErrors', at: 600_000, arm: 'treatment', serverErrors: 1 }]);
    expect(s.alerts).toEqual([]);
    expect(s.seed).toBe(3);
  });

  it('resolves `rollout:` relative to the scenario and deep-merges overrides', async () => {
    const file = 'bench/scenarios/token-purge.yaml';
    const result = await parseScenario(readFileSync(file, 'utf8'), file);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.spec.name).toBe('mfa-staff');
    expect(result.value.spec.bake).toBe(600_000); // overrides: { bake: 10m, ... } over the file's 15m
    expect(result.value.spec.minSamples).toBe(100); // and minSamples over the file's 3
    expect(result.value.spec.alpha).toBe(0.01); // untouched by the override
  });

  it('reads an absolute `rollout:` path as it is, not under the scenario folder', async () => {
    const file = 'bench/scenarios/token-purge.yaml';
    const absolute = resolve('flags/mfa-staff.yaml');
    const text = readFileSync(file, 'utf8').replace(/^rollout: .*$/m, `rollout: ${absolute}`);
    const result = await parseScenario(text, file);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.spec.name).toBe('mfa-staff');
    expect(result.value.spec.bake).toBe(600_000);
  });

  it('reports an invalid rollout spec file at its own file and line', async () => {
    const text = readFileSync(`${dir}/valid-inline-spec.yaml`, 'utf8').replace(
      /^spec:[\s\S]*?^duration/m,
      'rollout: ../specs/invalid-kind.yaml\nduration',
    );
    const result = await parseScenario(text, `${dir}/x.yaml`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues[0]?.source).toBe('test/fixtures/specs/invalid-kind.yaml');
    expect(result.error.issues[0]?.line).toBeGreaterThanOrEqual(1);
  });
});
