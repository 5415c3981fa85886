/**
 * Idempotent commands across kill -9: a client sends commands with an Idempotency-Key while the
 * `rampart run` process serving them is SIGKILLed at random moments (before, during or after it
 * handles a request) and restarted on the same SQLite file. The client retries each command with
 * its key until it gets an answer. Every command must be acknowledged as applied, and the audit
 * log must hold each exactly once: none lost, none applied twice (a pause applied twice would also
 * turn the next retry into a 409).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../../src/cli/api-client.js';
import { bundleEntry } from '../../support/bundle-entry.js';
import { freePort } from '../../support/free-port.js';
import { writeRunConfig } from '../../support/run-config.js';

const TOKEN = 'kill-test-operator-token';
const COMMANDS = 24;
const KILL_EVERY = 3;
const children = new Set<ChildProcess>();
let dir: string;
let bundle: string;

beforeAll(async () => {
  // Inside the project (git-ignored .tmp/) so the bundle resolves node_modules from there.
  mkdirSync(join(process.cwd(), '.tmp'), { recursive: true });
  dir = mkdtempSync(join(process.cwd(), '.tmp', 'kill-'));
  // rampart reads files relative to its modules: ../package.json (its version) and
  // ../../../src/http/status-page/assets/ (the status page). In .tmp/kill-X/bin/ the second is the
  // project's own; the first is a copy.
  bundle = join(dir, 'bin', 'run-entry.mjs');
  copyFileSync('package.json', join(dir, 'package.json'));
  // One bundle instead of tsx per start: each restart would otherwise compile rampart again.
  await bundleEntry('test/support/run-entry.ts', bundle);
});

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(port: number): string {
  writeFileSync(
    join(dir, 'mfa.yaml'),
    `apiVersion: rampart/v1
kind: Rollout
name: mfa-staff
flag: { backend: embedded, name: mfa-staff-login }
steps: [1, 5, 25, 50, 100]
bake: 1h
tick: 1s
noDataTimeout: 1h
start: auto
guardrails:
  - name: login-success
    compare: { metric: login_attempts_total, good: { result: success }, maxDrop: 0.05 }
`,
  );
  return writeRunConfig(dir, port);
}

function start(config: string): ChildProcess {
  const child = spawn(process.execPath, [bundle, config], {
    env: { ...process.env, RAMPART_OPERATOR_TOKEN: TOKEN, RAMPART_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

async function killNow(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(child.pid, 'SIGKILL');
  await exited;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('idempotent commands across kill -9', () => {
  it(`applies each of ${COMMANDS} acknowledged commands exactly once across ${COMMANDS / KILL_EVERY} kills`, async () => {
    const port = await freePort();
    const config = writeConfig(port);
    const url = `http://127.0.0.1:${port}`;
    let child = start(config);
    const client = new ApiClient(url, TOKEN, { maxAttempts: 80, initialDelayMs: 50, maxDelayMs: 400 });
    for (let i = 0; i < 300; i++) {
      const phase = await client
        .get<{ phase: string }>('/api/rollouts/mfa-staff')
        .then((r) => r.phase)
        .catch(() => undefined);
      if (phase === 'ramping') break;
      await sleep(100);
    }
    let kills = 0;
    /** Where each kill landed: after the answer, between storing the command and answering, before. */
    const killedAt = new Map<string, number>();
    const answers: { status: string; phase: string }[] = [];
    for (let i = 0; i < COMMANDS; i++) {
      const kind = i % 2 === 0 ? 'pause' : 'resume';
      const sent = client.post<{ status: string; phase: string }>(
        `/api/rollouts/mfa-staff/${kind}`,
        { reason: `cmd-${i}` },
        `kill-test-${i}`,
      );
      if (i % KILL_EVERY === 0) {
        let answered = false;
        void sent.then(() => {
          answered = true;
        });
        // 0-40 ms after sending: sometimes before the request is read, sometimes mid-command.
        await sleep(Math.floor(Math.random() * 40));
        await killNow(child);
        kills += 1;
        const db = new SQLite(join(dir, 'rampart.db'), { readonly: true });
        const stored = db.prepare('select count(*) as n from commands where reason = ?').get(`cmd-${i}`) as {
          n: number;
        };
        db.close();
        const moment = answered ? 'answered' : stored.n > 0 ? 'stored, unanswered' : 'not stored';
        killedAt.set(moment, (killedAt.get(moment) ?? 0) + 1);
        child = start(config);
      }
      answers.push(await sent);
    }
    console.log('kills by moment:', Object.fromEntries(killedAt));
    expect(kills).toBe(COMMANDS / KILL_EVERY);
    expect(answers.map((a) => a.status)).toEqual(Array(COMMANDS).fill('applied'));
    expect(answers.map((a) => a.phase)).toEqual(
      Array.from({ length: COMMANDS }, (_, i) => (i % 2 === 0 ? 'paused' : 'ramping')),
    );
    const { entries } = await client.get<{ entries: { reason: string; action: string }[] }>(
      '/api/rollouts/mfa-staff/audit?limit=1000',
    );
    const byCommand = Array.from(
      { length: COMMANDS },
      (_, i) => entries.filter((e) => e.reason === `cmd-${i}`).length,
    );
    expect(byCommand).toEqual(Array(COMMANDS).fill(1));
    await killNow(child);
  }, 240_000);
});
