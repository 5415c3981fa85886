/**
 * Crash safety: a child process runs the controller (virtual clock, SQLite file store, embedded flag
 * backend whose writes fail at random before or after reaching the store) and is SIGKILLed at random
 * points 50 times; a last run finishes the remaining rollouts. After every kill and at the end:
 *
 *  I1  the audit log's seq is exactly 1..N: no gap, no duplicate;
 *  I2  per rollout, audit entries chain: each entry's (fromPhase, fromPercentage) is the previous
 *      entry's (toPhase, toPercentage) - no transition lost, none written twice;
 *  I3  per rollout, the steps reached (started/advanced/completed) are a prefix of the spec's steps
 *      in order - no step skipped, none repeated;
 *  I4  the stored state's phase and percentage are the last audit entry's;
 *  I5  at most one rolled_back and one rollback_confirmed per rollout, confirmed after decided, and
 *      nothing after a rollback leaves rolled_back (latched);
 *  I6  the flag agrees with the state: with no pending write it is what rampart last wrote; a
 *      rolled_back rollout with no pending write has its flag off and its rollback confirmed;
 *  I7  no rollout is ever paused as "changed outside rampart" (an interrupted write of its own is
 *      not mistaken for a person's change);
 *  I8  a rollback decided before a kill (pending write at the kill) is carried out after it: at the
 *      end that flag is off and the rollback confirmed exactly once;
 *  I9  at the end every rollout has its expected outcome: r%3=0 completed at 100 %, r%3=1 rolled back
 *      by the guardrail from 25 %, r%3=2 rolled back by the operator's command from 50 %, applied once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src/rollout/audit.js';
import { matchesExpected } from '../../../src/rollout/rollout-state.js';
import { openSqliteStore } from '../../../src/store/open-sqlite-store.js';
import { bundleEntry } from '../../support/bundle-entry.js';
import { CRASH_STEPS } from '../../support/crash-spec.js';

const KILLS = 50;
const TOTAL_ROLLOUTS = 120;
let dir: string;
let bundle: string;
let dbPath: string;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  // Inside the project (git-ignored .tmp/) so the bundle resolves node_modules from there.
  mkdirSync(join(process.cwd(), '.tmp'), { recursive: true });
  dir = mkdtempSync(join(process.cwd(), '.tmp', 'crash-'));
  bundle = join(dir, 'crash-child.mjs');
  dbPath = join(dir, 'rampart.db');
  // One bundle instead of tsx per spawn: 50 restarts must not spend a minute compiling TypeScript.
  await bundleEntry('test/support/crash-child.ts', bundle);
});

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the child; kills it `killAfterMs` after it is ready (or after spawn when `early`). */
function runChild(
  killAfterMs: number | undefined,
  early = false,
): Promise<{ killed: boolean; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, dbPath, String(TOTAL_ROLLOUTS)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const kill = () => {
      if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
    };
    if (killAfterMs !== undefined && early) timer = setTimeout(kill, killAfterMs);
    child.stdout.on('data', (d: Buffer) => {
      const before = stdout;
      stdout += d.toString();
      if (killAfterMs !== undefined && !early && !before.includes('ready') && stdout.includes('ready')) {
        timer = setTimeout(kill, killAfterMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      children.delete(child);
      if (signal === 'SIGKILL') resolve({ killed: true, stdout });
      else if (code === 0) resolve({ killed: false, stdout });
      else reject(new Error(`child exited ${code ?? signal}: ${stderr}`));
    });
  });
}

function byRollout(audit: AuditEntry[]): Map<string, AuditEntry[]> {
  const map = new Map<string, AuditEntry[]>();
  for (const e of audit) map.set(e.rollout, [...(map.get(e.rollout) ?? []), e]);
  return map;
}

/** Checks I1-I7 on the file; returns the rollouts whose rollback was decided but not yet confirmed. */
async function checkInvariants(): Promise<string[]> {
  const store = await openSqliteStore({ path: dbPath });
  try {
    const audit = await store.readAudit();
    expect(
      audit.map((e) => e.seq),
      'I1 seq contiguous',
    ).toEqual(audit.map((_, i) => i + 1));
    const owed: string[] = [];
    const entries = byRollout(audit);
    for (const state of await store.listRollouts()) {
      const log = entries.get(state.name) ?? [];
      const where = `rollout ${state.name}: ${log.map((e) => `${e.action}(${e.toPhase}@${e.toPercentage})`).join(' ')}`;
      for (let i = 1; i < log.length; i++) {
        const [prev, cur] = [log[i - 1], log[i]];
        expect([cur?.fromPhase, cur?.fromPercentage], `I2 chain ${where}`).toEqual([
          prev?.toPhase,
          prev?.toPercentage,
        ]);
      }
      const reached = log
        // Step moves only: entering 100 % is `advanced`; `completed` ends the soak there.
        .filter((e) => ['started', 'advanced'].includes(e.action))
        .map((e) => e.toPercentage);
      expect(reached, `I3 steps ${where}`).toEqual(CRASH_STEPS.slice(0, reached.length));
      const last = log.at(-1);
      expect([state.phase, state.percentage], `I4 state ${where}`).toEqual([
        last?.toPhase,
        last?.toPercentage,
      ]);
      const rolled = log.findIndex((e) => e.action === 'rolled_back');
      const confirmed = log.findIndex((e) => e.action === 'rollback_confirmed');
      expect(log.filter((e) => e.action === 'rolled_back').length, `I5 ${where}`).toBeLessThanOrEqual(1);
      expect(log.filter((e) => e.action === 'rollback_confirmed').length, `I5 ${where}`).toBeLessThanOrEqual(
        1,
      );
      if (confirmed >= 0) expect(confirmed, `I5 ${where}`).toBeGreaterThan(rolled);
      if (rolled >= 0) {
        for (const e of log.slice(rolled)) expect(e.toPhase, `I5 latched ${where}`).toBe('rolled_back');
      }
      const flag = await store.flags.get(state.spec.flag);
      const read = flag
        ? { exists: true, enabled: flag.enabled, percentage: flag.percentage }
        : { exists: false, enabled: false, percentage: 0 };
      if (!state.pendingWrite && state.lastWritten) {
        expect(matchesExpected(read, state.lastWritten), `I6 flag ${JSON.stringify(read)} ${where}`).toBe(
          true,
        );
      }
      if (state.phase === 'rolled_back') {
        if (state.pendingWrite) owed.push(state.name);
        else {
          expect(read.enabled, `I6 rolled back flag off ${where}`).toBe(false);
          expect(confirmed, `I6 confirmed ${where}`).toBeGreaterThan(rolled);
        }
      }
      expect(
        log.some((e) => e.action === 'external_change'),
        `I7 ${where}`,
      ).toBe(false);
    }
    return owed;
  } finally {
    await store.close();
  }
}

describe('crash safety', () => {
  it(`keeps its invariants across ${KILLS} SIGKILLs at random points`, async () => {
    const owedAtSomeKill = new Set<string>();
    let kills = 0;
    let runs = 0;
    while (kills < KILLS) {
      runs += 1;
      // One kill in ten lands during start-up (opening the store, migrations), the rest mid-run.
      const early = Math.random() < 0.1;
      const result = await runChild(early ? Math.random() * 400 : Math.random() * 100, early);
      if (result.killed) kills += 1;
      for (const name of await checkInvariants()) owedAtSomeKill.add(name);
      if (!result.killed && result.stdout.includes('done')) break;
    }
    const final = await runChild(undefined);
    expect(final.stdout).toContain('done');
    expect(await checkInvariants(), 'no rollback still pending').toEqual([]);

    const store = await openSqliteStore({ path: dbPath });
    try {
      const rollouts = await store.listRollouts();
      expect(rollouts).toHaveLength(TOTAL_ROLLOUTS);
      const audit = byRollout(await store.readAudit());
      for (const state of rollouts) {
        const n = Number(state.name.slice(2));
        const log = audit.get(state.name) ?? [];
        const rolled = log.filter((e) => e.action === 'rolled_back');
        const flag = await store.flags.get(state.spec.flag);
        if (n % 3 === 0) {
          expect(state, `I9 ${state.name}`).toMatchObject({
            phase: 'completed',
            percentage: 100,
            pendingWrite: null,
          });
          expect(flag, `I9 ${state.name}`).toMatchObject({ enabled: true, percentage: 100 });
        } else {
          expect(state, `I9 ${state.name}`).toMatchObject({ phase: 'rolled_back', pendingWrite: null });
          expect(rolled, `I9 ${state.name}`).toHaveLength(1);
          expect(rolled[0]?.fromPercentage, `I9 ${state.name}`).toBe(n % 3 === 1 ? 25 : 50);
          expect(rolled[0]?.actor, `I9 ${state.name}`).toBe(n % 3 === 1 ? 'rampart' : 'operator');
          expect(
            log.filter((e) => e.action === 'rollback_confirmed'),
            `I8 ${state.name}`,
          ).toHaveLength(1);
          expect(flag?.enabled, `I8 ${state.name}`).toBe(false);
        }
      }
      for (const name of owedAtSomeKill) {
        expect((await store.getRollout(name))?.pendingWrite, `I8 ${name}`).toBeNull();
      }
      console.info(
        `crash test: ${kills} kills in ${runs} runs; ${owedAtSomeKill.size} rollbacks were pending at a kill and carried out after it`,
      );
    } finally {
      await store.close();
    }
    expect(kills).toBe(KILLS);
  });
});
