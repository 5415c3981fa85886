/**
 * Spec parsing time: a spec must never freeze the controller. Times the parser on
 * generated specs of N and 2N keys or guardrails (the size limit lifted, to see the growth) and
 * prints the ratio: about 2 is linear, about 4 quadratic. Then the two cases a watched reload can
 * really meet under the size limit: the largest valid spec the bounds allow and a file of unknown
 * keys just under the limit, and the refusal of a 30 MB file.
 *
 *   npm run bench:spec-parse [-- --n=20000 --repeat=3]
 */
import { performance } from 'node:perf_hooks';
import { parseRolloutSpec } from '../src/rollout-spec/parse-rollout-spec.js';
import { SPEC_LIMITS } from '../src/rollout-spec/spec-limits.js';

const arg = (name: string, fallback: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const N = Number(arg('n', '20000'));
const REPEAT = Number(arg('repeat', '3'));

const HEAD = `apiVersion: rampart/v1
kind: Rollout
name: bench
flag: { backend: embedded, name: bench }
steps: [1, 5, 25, 50, 100]
`;
const GUARDRAIL = '  - name: ok\n    zero: { metric: login_errors_total }\n';

type Case = (n: number) => string;
const CASES: Record<string, Case> = {
  'unknown top-level keys': (n) =>
    `${HEAD}guardrails:\n${GUARDRAIL}${Array.from({ length: n }, (_, i) => `x${i}: 1\n`).join('')}`,
  'valid guardrails': (n) =>
    `${HEAD}guardrails:\n${Array.from({ length: n }, (_, i) => `  - name: g${i}\n    zero: { metric: m }\n`).join('')}`,
  'guardrails with one name': (n) => `${HEAD}guardrails:\n${GUARDRAIL.repeat(n)}`,
  'guardrails with an unknown field': (n) =>
    `${HEAD}guardrails:\n${Array.from({ length: n }, (_, i) => `  - name: g${i}\n    zero: { metric: m, extra: 1 }\n`).join('')}`,
};

/** Median wall time of `REPEAT` parses, in ms, and whether the spec parsed. */
function time(text: string, maxBytes?: number): { ms: number; ok: boolean; issues: number } {
  const times: number[] = [];
  let result = parseRolloutSpec(text, 'bench.yaml', { maxBytes });
  for (let i = 0; i < REPEAT; i++) {
    const start = performance.now();
    result = parseRolloutSpec(text, 'bench.yaml', { maxBytes });
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const issues = result.ok ? 0 : result.error.issues.length;
  return { ms: times[Math.floor(times.length / 2)] ?? Number.NaN, ok: result.ok, issues };
}

/** The largest valid spec: every list at its bound, label values as long as the file limit allows. */
function maximalValidSpec(): string {
  for (let value = SPEC_LIMITS.labelValue; ; value -= 10) {
    const text = validSpec(value);
    if (Buffer.byteLength(text) <= SPEC_LIMITS.fileBytes) return text;
  }
}

function validSpec(labelValue: number): string {
  const long = (n: number) => 'a'.repeat(n);
  const matchers = (n: number) =>
    `{ ${Array.from({ length: n }, (_, i) => `l${i}: "${long(labelValue)}"`).join(', ')} }`;
  const guardrails = Array.from(
    { length: SPEC_LIMITS.guardrails },
    (_, i) =>
      `  - name: g${i}\n    compare: { metric: m, good: { result: success }, matchers: ${matchers(2)}, maxDrop: 0.05 }\n`,
  ).join('');
  return `apiVersion: rampart/v1
kind: Rollout
name: maximal
description: "${long(SPEC_LIMITS.description)}"
flag: { backend: embedded, name: maximal }
steps: [${Array.from({ length: SPEC_LIMITS.steps }, (_, i) => i + 1).join(', ')}]
matchers: ${matchers(SPEC_LIMITS.matchers)}
guardrails:
${guardrails}`;
}

/** Unknown keys filling the file up to just under the size limit. */
function unknownKeysAtLimit(): string {
  let text = `${HEAD}guardrails:\n${GUARDRAIL}`;
  for (let i = 0; text.length + 16 < SPEC_LIMITS.fileBytes; i++) text += `x${i}: 1\n`;
  return text;
}

console.log(`spec parse, median of ${REPEAT} (node ${process.version})`);
for (const [name, make] of Object.entries(CASES)) {
  const small = time(make(N), Number.POSITIVE_INFINITY);
  const large = time(make(2 * N), Number.POSITIVE_INFINITY);
  console.log(
    `${name.padEnd(34)} N=${N}: ${small.ms.toFixed(0).padStart(6)} ms (${small.issues} issues)  2N=${2 * N}: ${large.ms.toFixed(0).padStart(6)} ms  ratio ${(large.ms / small.ms).toFixed(2)}`,
  );
}
const maximal = maximalValidSpec();
const limit = unknownKeysAtLimit();
const huge = `${HEAD}description: "${'a'.repeat(30 * 1024 * 1024)}"\n`;
for (const [name, text] of [
  ['largest valid spec', maximal],
  ['unknown keys up to the size limit', limit],
  ['30 MB description (refused)', huge],
] as const) {
  const r = time(text);
  const kib = (Buffer.byteLength(text) / 1024).toFixed(0);
  console.log(
    `${name.padEnd(34)} ${kib} KiB: ${r.ms.toFixed(1)} ms, ${r.ok ? 'valid' : `${r.issues} issues`}`,
  );
}
