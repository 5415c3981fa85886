/**
 * Property-based fuzzing (fast-check, fixed seed, bounded runs) of every body, query and path
 * parameter of every route in the served OpenAPI document, with the token the route admits so the
 * fuzz reaches the parsers: no 5xx, no stack trace, every error a JSON body, no secret in any
 * answer or log, and the server alive (and unpolluted) at the end.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AttackDaemon, startAttackDaemon } from './support/attack-daemon.js';
import { ATTACK_SECRETS, secretsIn } from './support/attack-secrets.js';
import {
  hostileString,
  percentEncode,
  queryArbitrary,
  schemaArbitrary,
} from './support/json-schema-arbitrary.js';
import { type Operation, servedOperations } from './support/openapi-operations.js';
import { type Answer, RecordingClient, startWebhookSink } from './support/recording-client.js';
import { validBody } from './support/valid-bodies.js';

const SEED = 19;
/** Runs per route and class; about 1,500 requests in all, a few seconds on loopback. */
const RUNS = { schema: 40, json: 15, string: 15, unicode: 10, proto: 10, huge: 4, query: 25, path: 12 };
type FuzzClass = keyof typeof RUNS;

/** A stack frame, a source path with a line, or Node's internals: none may reach a client. */
const STACK = /\bat [\w.<>]+ \(|node:internal|\.[jt]s:\d+:\d+|\bError: .*\n\s+at /;

let sink: Awaited<ReturnType<typeof startWebhookSink>>;
let daemon: AttackDaemon;
let client: RecordingClient;
const counts = new Map<FuzzClass, { requests: number; fiveXx: number; statuses: Map<number, number> }>();

beforeAll(async () => {
  sink = await startWebhookSink();
  daemon = await startAttackDaemon({ webhookSink: sink.url });
  client = new RecordingClient(daemon.url);
});

afterAll(async () => {
  await daemon?.dispose();
  await sink?.close();
});

function headersFor(op: Operation, contentType?: string): Record<string, string> {
  const headers: Record<string, string> = {};
  if (op.auth === 'bearer') headers.Authorization = `Bearer ${ATTACK_SECRETS.admin}`;
  if (op.auth === 'clientToken') headers.Authorization = ATTACK_SECRETS.client;
  if (op.method === 'POST') headers['Content-Type'] = contentType ?? 'application/json';
  return headers;
}

/** Sends one fuzzed request and checks the answer; counted per class. */
async function probe(cls: FuzzClass, op: Operation, path: string, body?: string, contentType?: string) {
  const answer: Answer = await client.send(op.method, path, { headers: headersFor(op, contentType), body });
  const c = counts.get(cls) ?? { requests: 0, fiveXx: 0, statuses: new Map() };
  c.requests += 1;
  if (answer.status >= 500) c.fiveXx += 1;
  c.statuses.set(answer.status, (c.statuses.get(answer.status) ?? 0) + 1);
  counts.set(cls, c);
  const where = `${cls} ${op.method} ${path.slice(0, 200)} body ${String(body).slice(0, 200)}: ${answer.status} ${answer.text.slice(0, 300)}`;
  expect(answer.status, where).toBeLessThan(500);
  expect(STACK.test(answer.text), where).toBe(false);
  if (answer.status >= 400) {
    expect(answer.contentType, where).toContain('application/json');
    expect(answer.json, where).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  }
}

/** Bodies for one class; `op` gives the schema and a valid body to hide hostile keys in. */
function bodies(cls: FuzzClass, op: Operation): fc.Arbitrary<{ body: string; contentType?: string }> {
  const json = (a: fc.Arbitrary<unknown>) => a.map((v) => ({ body: JSON.stringify(v) ?? 'null' }));
  const valid = (validBody(op, 'mfa-staff') ?? {}) as Record<string, unknown>;
  switch (cls) {
    case 'schema':
      return json(schemaArbitrary(op.body));
    case 'json':
      return json(fc.jsonValue());
    case 'string':
      return fc.record({
        body: hostileString(200),
        contentType: fc.constantFrom(
          'application/json',
          'application/json; charset=utf-16',
          'application/json; charset=latin1',
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
        ),
      });
    case 'unicode':
      return json(
        fc
          .dictionary(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }))
          .map((d) => ({ ...valid, ...d })),
      );
    case 'proto':
      return fc
        .tuple(
          fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'),
          fc.jsonValue({ maxDepth: 1 }),
        )
        .map(([key, value]) => {
          const inner = JSON.stringify({ polluted: 'yes', value });
          const base = JSON.stringify(valid).slice(1, -1);
          return {
            body: `{${base}${base ? ',' : ''}"${key}":${inner},"constructor":{"prototype":${inner}}}`,
          };
        });
    case 'huge':
      return fc.constantFrom(
        { body: JSON.stringify({ ...valid, reason: 'r'.repeat(300_000) }) },
        { body: JSON.stringify({ ...valid, blob: 'x'.repeat(1_500_000) }) },
        { body: `${'['.repeat(50_000)}${']'.repeat(50_000)}` },
        { body: JSON.stringify(Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]))) },
        { body: JSON.stringify({ ...valid, alerts: Array.from({ length: 20_000 }, () => ({})) }) },
      );
    default:
      throw new Error(`no bodies for ${cls}`);
  }
}

describe('fuzzing every route of the served OpenAPI document', () => {
  it('answers every fuzzed body, query and path without a 5xx, a stack trace or a secret', async () => {
    const operations = await servedOperations(client, 'mfa-staff');
    expect(operations.length).toBeGreaterThanOrEqual(20);
    const run = (cls: FuzzClass, arb: fc.Arbitrary<() => Promise<void>>) =>
      fc.assert(
        fc.asyncProperty(arb, (send) => send()),
        { seed: SEED, numRuns: RUNS[cls], endOnFailure: true },
      );
    for (const op of operations) {
      if (op.method === 'POST') {
        for (const cls of ['schema', 'json', 'string', 'unicode', 'proto', 'huge'] as const) {
          await run(
            cls,
            bodies(cls, op).map((b) => () => probe(cls, op, op.path, b.body, b.contentType)),
          );
        }
      } else {
        await run(
          'query',
          queryArbitrary(op.query).map((q) => () => probe('query', op, `${op.path}?${q}`)),
        );
      }
      if (op.template.includes('{name}')) {
        const name = fc.oneof(hostileString(40), fc.constantFrom('..', '.', '%2e%2e', 'a'.repeat(3_000)));
        await run(
          'path',
          name.map(
            (n) => () =>
              probe(
                'path',
                op,
                op.template.replace('{name}', n.startsWith('%') ? n : percentEncode(n)),
                op.method === 'POST' ? JSON.stringify(validBody(op, n)) : undefined,
              ),
          ),
        );
      }
    }
    // A query string past Node's header limit: answered by Node itself, still as JSON.
    const get = operations.find((op) => op.template === '/api/rollouts');
    if (get) await probe('huge', get, `/api/rollouts?q=${'a'.repeat(20_000)}`);

    const lines = [...counts].map(
      ([cls, c]) =>
        `  ${cls.padEnd(8)} ${String(c.requests).padStart(5)} requests, ${c.fiveXx} 5xx (${[...c.statuses]
          .sort(([a], [b]) => a - b)
          .map(([s, n]) => `${s}: ${n}`)
          .join(', ')})`,
    );
    const total = [...counts.values()].reduce((n, c) => n + c.requests, 0);
    console.info(
      `fuzz (seed ${SEED}): ${total} requests over ${operations.length} operations\n${lines.join('\n')}`,
    );
    expect(total).toBeGreaterThan(1_000);
  });

  it('is still alive, unpolluted and leak-free after the fuzz', async () => {
    expect((await client.send('GET', '/healthz')).status).toBe(200);
    const list = await client.as('viewer', 'GET', '/api/rollouts');
    expect(list.status).toBe(200);
    expect(list.text).not.toContain('polluted');
    expect(client.leaks).toEqual([]);
    expect(secretsIn(daemon.logs())).toEqual([]);
    expect(daemon.logs()).not.toContain('"msg":"unhandled"');
  });
});
