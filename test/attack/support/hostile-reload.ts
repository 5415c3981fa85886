import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SPEC_LIMITS } from '../../../src/rollout-spec/spec-limits.js';
import type { RecordingClient } from './recording-client.js';
import { alertPost } from './valid-bodies.js';

const HEAD =
  'apiVersion: rampart/v1\nkind: Rollout\nflag: { backend: embedded, name: hostile }\nsteps: [1, 100]\n';
const LIMIT = SPEC_LIMITS.fileBytes;

/** Repeats `line(i)` until the text is just under the spec size limit. */
function fill(head: string, line: (i: number) => string): string {
  let text = head;
  for (let i = 0; ; i++) {
    const next = line(i);
    if (Buffer.byteLength(text) + Buffer.byteLength(next) >= LIMIT - 16) return text;
    text += next;
  }
}

/** The largest valid spec the bounds allow (its rollout is added, then changed every round). */
function maximalValidSpec(round: number): string {
  const value = 'v'.repeat(900);
  const matchers = (n: number) =>
    `{ ${Array.from({ length: n }, (_, i) => `l${i}: "${value}"`).join(', ')} }`;
  let text = `apiVersion: rampart/v1\nkind: Rollout\nname: hostile-maximal\ndescription: "round ${round} ${'d'.repeat(SPEC_LIMITS.description - 20)}"\nflag: { backend: embedded, name: hostile-maximal }\nsteps: [${Array.from({ length: SPEC_LIMITS.steps }, (_, i) => i + 1).join(', ')}]\nmatchers: ${matchers(SPEC_LIMITS.matchers)}\nguardrails:\n`;
  for (let i = 0; i < SPEC_LIMITS.guardrails; i++) {
    const next = `  - name: g${i}\n    compare: { metric: m, good: { result: success }, matchers: ${matchers(1)}, maxDrop: 0.05 }\n`;
    if (Buffer.byteLength(text) + Buffer.byteLength(next) >= LIMIT - 16) break;
    text += next;
  }
  return text;
}

/**
 * One round of hostile spec files: the slowest text under the size limit (many unknown keys), many
 * duplicate keys, deep nesting, an alias bomb, binary garbage, the largest valid spec, and files far
 * over the limit. Written under new contents each round, so every round is a real reload.
 */
export function hostileSpecFiles(round: number): Record<string, string | Buffer> {
  return {
    'unknown-keys.yaml': fill(`${HEAD}name: unknown-keys\n# ${round}\n`, (i) => `x${i}: ${round}\n`),
    'duplicate-keys.yaml': fill(`${HEAD}name: duplicate-keys\n# ${round}\n`, () => 'name: again\n'),
    'deep.yaml': `${HEAD}name: deep\n# ${round}\nx: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`,
    'alias-bomb.yaml': `${HEAD}name: alias-bomb\n# ${round}\na: &a [x, x, x, x, x, x, x, x, x, x]\n${Array.from(
      { length: 12 },
      (_, i) =>
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(', ')}]`,
    ).join('\n')}\n`,
    'garbage.yaml': randomBytes(LIMIT - 100),
    'maximal.yaml': maximalValidSpec(round),
    'oversized.yaml': `${HEAD}name: oversized\ndescription: "${'o'.repeat(2 * 1024 * 1024)}"\n`,
    'oversized-30mb.yaml':
      round === 0 ? `${HEAD}name: huge\ndescription: "${'h'.repeat(30 * 1024 * 1024)}"\n` : '',
  };
}

export interface HostileReloadResult {
  rounds: number;
  /** Webhook answer times in ms, in order. */
  latencies: number[];
  /** Alerts whose answer was not 202 with the rollback applied. */
  failed: string[];
}

/**
 * Writes hostile spec files into `specsDir` every `intervalMs` for `durationMs` while posting
 * Alertmanager alerts for `rollout` back to back (each rolls it back; an unmeasured resume re-arms
 * it), and returns every webhook answer time.
 */
export async function runHostileReload(options: {
  client: RecordingClient;
  specsDir: string;
  rollout: string;
  durationMs: number;
  /** How often the files are rewritten; undefined: never (the quiet baseline). */
  intervalMs: number | undefined;
}): Promise<HostileReloadResult> {
  const { client, specsDir, rollout } = options;
  const end = Date.now() + options.durationMs;
  let rounds = 0;
  // Contents are built once (two variants, so each round changes every file) and written
  // asynchronously: the writer must not stall this process's own clock on the webhook.
  const variants = [hostileSpecFiles(0), hostileSpecFiles(1)];
  const writer = (async () => {
    while (options.intervalMs !== undefined && Date.now() < end) {
      // The 30 MB file is written once: rewriting it would load this process, not rampart.
      const files = Object.entries(variants[rounds % 2] ?? {}).filter(
        ([file]) => rounds === 0 || file !== 'oversized-30mb.yaml',
      );
      await Promise.all(files.map(([file, text]) => writeFile(join(specsDir, file), text)));
      rounds += 1;
      await new Promise((r) => setTimeout(r, options.intervalMs));
    }
  })();
  const latencies: number[] = [];
  const failed: string[] = [];
  for (let i = 0; Date.now() < end; i++) {
    const answer = await client.as(
      'alertmanager',
      'POST',
      '/api/alerts/alertmanager',
      alertPost(rollout, `hostile-${i}`),
    );
    latencies.push(answer.ms);
    const applied = (answer.json as { rollbacks?: { status: string }[] } | undefined)?.rollbacks?.[0]?.status;
    if (answer.status !== 202 || applied !== 'applied')
      failed.push(`alert ${i}: ${answer.status} ${answer.text.slice(0, 200)}`);
    const resumed = await client.as('operator', 'POST', `/api/rollouts/${rollout}/resume`, {
      reason: 're-arm',
    });
    if (resumed.status !== 202) failed.push(`resume ${i}: ${resumed.status} ${resumed.text.slice(0, 200)}`);
  }
  await writer;
  return { rounds, latencies, failed };
}

/** The q-quantile of `values` (nearest rank). */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}
