import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRolloutSpecs } from '../../../src/rollout-spec/load-spec-files.js';
import { parseRolloutSpec } from '../../../src/rollout-spec/parse-rollout-spec.js';
import { newParseWork } from '../../../src/rollout-spec/parse-work.js';
import { SPEC_LIMITS } from '../../../src/rollout-spec/spec-limits.js';

// Issue 19, item 2: a spec must not freeze the controller. Growth is checked by counting the
// parser's work (no timing in tests); bench/spec-parse.ts prints the times.

const HEAD = `apiVersion: rampart/v1
kind: Rollout
name: big
flag: { backend: embedded, name: big }
steps: [1, 100]
guardrails:
  - name: ok
    zero: { metric: m }
`;
const unknownKeys = (n: number) => HEAD + Array.from({ length: n }, (_, i) => `x${i}: 1\n`).join('');
const nestedUnknownKeys = (n: number) =>
  `${HEAD}flag:\n  backend: embedded\n  name: big\n${Array.from({ length: n }, (_, i) => `  bakee${i}: 1\n`).join('')}`.replace(
    'flag: { backend: embedded, name: big }\n',
    '',
  );

function workFor(text: string) {
  const work = newParseWork();
  const result = parseRolloutSpec(text, 'big.yaml', { maxBytes: Number.POSITIVE_INFINITY, work });
  expect(result.ok).toBe(false);
  return work;
}

describe('parsing work grows linearly', () => {
  it.each([
    ['top-level', unknownKeys],
    ['nested', nestedUnknownKeys],
  ])('with the number of unknown %s keys (N vs 2N)', (_, make) => {
    const n = 2_000;
    const once = workFor(make(n));
    const twice = workFor(make(2 * n));
    // Indexing each mapping once and checking duplicates once: a few items read per key.
    expect(once.mapItems).toBeLessThanOrEqual(3 * n);
    expect(twice.mapItems).toBeLessThanOrEqual(2.1 * once.mapItems);
    // Suggestions are computed for the described keys only, against the allowed names.
    expect(twice.editDistances).toBeLessThanOrEqual(once.editDistances);
  });

  it('reports at most 100 issues and says how many more there are', () => {
    const result = parseRolloutSpec(unknownKeys(5_000), 'big.yaml', { maxBytes: Number.POSITIVE_INFINITY });
    if (result.ok) throw new Error('expected issues');
    expect(result.error.issues).toHaveLength(101);
    expect(result.error.issues[0]?.message).toBe('and 4900 more unknown fields (not shown)');
    expect(result.error.issues[1]?.message).toMatch(/^unknown field "x0"/);
    expect(result.error.issues[100]?.message).toBe('1 more issues not shown');
  });

  it('still reports a duplicate key, at the later key', () => {
    const result = parseRolloutSpec(`${HEAD}bake: 1m\nbake: 2m\n`, 'dup.yaml');
    if (result.ok) throw new Error('expected issues');
    expect(result.error.message).toBe('dup.yaml:10:1: YAML: Map keys must be unique');
  });
});

describe('size limits', () => {
  it('refuses a text over the limit before parsing, naming the file, its size and the limit', () => {
    const text = `${HEAD}description: "${'a'.repeat(SPEC_LIMITS.fileBytes)}"\n`;
    const bytes = Buffer.byteLength(text);
    const result = parseRolloutSpec(text, 'flags/huge.yaml');
    if (result.ok) throw new Error('expected a refusal');
    expect(result.error.message).toBe(
      `flags/huge.yaml: the file is 64.2 KiB (${bytes} bytes); the limit is 64 KiB (65536 bytes)`,
    );
  });

  it('refuses an oversized file in a watched folder without reading it, and loads the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-limits-'));
    writeFileSync(join(dir, 'a.yaml'), HEAD);
    const big = `# ${'x'.repeat(SPEC_LIMITS.fileBytes)}\n${HEAD.replace('big', 'other')}`;
    writeFileSync(join(dir, 'b.yaml'), big);
    const { specs, error } = await loadRolloutSpecs([dir]);
    expect(specs.map((s) => s.spec.name)).toEqual(['big']);
    expect(error?.message).toBe(
      `${join(dir, 'b.yaml')}: the file is 64.2 KiB (${big.length} bytes); the limit is 64 KiB (65536 bytes)`,
    );
  });

  it('accepts a spec at every list and string bound', () => {
    const guardrails = Array.from(
      { length: SPEC_LIMITS.guardrails },
      (_, i) => `  - name: g${i}\n    zero: { metric: m }\n`,
    );
    const text = `apiVersion: rampart/v1
kind: Rollout
name: bounds
description: "${'d'.repeat(SPEC_LIMITS.description)}"
flag: { backend: embedded, name: bounds }
steps: [${Array.from({ length: SPEC_LIMITS.steps }, (_, i) => i + 1).join(', ')}]
matchers: { ${Array.from({ length: SPEC_LIMITS.matchers }, (_, i) => `l${i}: v`).join(', ')} }
notify: [${Array.from({ length: SPEC_LIMITS.notify }, (_, i) => `n${i}`).join(', ')}]
guardrails:
${guardrails.join('')}`;
    const result = parseRolloutSpec(text, 'bounds.yaml');
    expect(result.ok ? [] : result.error.issues).toEqual([]);
  });
});
