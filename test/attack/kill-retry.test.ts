/**
 * kill -9 with idempotent client retries: a client sends commands with an Idempotency-Key while
 * the `rampart run` serving them is SIGKILLed 0-40 ms after every third command (before the
 * request is read, mid-command or after the answer) and restarted on the same SQLite file. The
 * client retries each command with its key until it gets an answer. Every command must be
 * acknowledged as applied, and the audit log must hold each exactly once: none lost, none twice.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useAttackRig } from './support/attack-rig.js';
import { ATTACK_SECRETS, secretsIn, secretsInFile } from './support/attack-secrets.js';

const KILLS = 30;
const KILL_EVERY = 3;
const COMMANDS = KILLS * KILL_EVERY;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const rig = useAttackRig({ startRollout: 'mfa-staff' });

interface Outcome {
  status: number;
  body: { status?: string; phase?: string };
  attempts: number;
  replayed: boolean;
}

/** Sends one command with its key until an answer arrives (connection refused or reset: retry). */
async function sendWithRetries(kind: string, reason: string, key: string): Promise<Outcome> {
  for (let attempts = 1; ; attempts++) {
    try {
      const res = await fetch(`${rig.daemon.url}/api/rollouts/mfa-staff/${kind}`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${ATTACK_SECRETS.operator}`,
          'Content-Type': 'application/json',
          'Idempotency-Key': key,
        },
        body: JSON.stringify({ reason }),
      });
      const text = await res.text();
      rig.client.leaks.push(...secretsIn(text).map((s) => `${kind} answer: ${s}`));
      // Still running in the replica that answers (or a key claimed before a crash): ask again.
      if (res.status === 409 && text.includes('idempotency_in_progress')) {
        await sleep(100);
        continue;
      }
      return {
        status: res.status,
        body: JSON.parse(text),
        attempts,
        replayed: res.headers.has('idempotent-replayed'),
      };
    } catch {
      if (attempts > 600) throw new Error(`${kind} ${reason}: no answer after ${attempts} attempts`);
      await sleep(50);
    }
  }
}

describe('kill -9 with idempotent client retries', () => {
  it(`loses and doubles no command across ${KILLS} kills`, async () => {
    let kills = 0;
    const outcomes: Outcome[] = [];
    for (let i = 0; i < COMMANDS; i++) {
      const kind = i % 2 === 0 ? 'pause' : 'resume';
      const sent = sendWithRetries(kind, `cmd-${i}`, randomUUID());
      if (i % KILL_EVERY === 0) {
        await sleep(Math.floor(Math.random() * 40));
        await rig.daemon.kill();
        kills += 1;
        await rig.daemon.restart();
      }
      outcomes.push(await sent);
    }
    const { entries } = (await rig.client.as('admin', 'GET', '/api/rollouts/mfa-staff/audit?limit=1000'))
      .json as {
      entries: { reason: string }[];
    };
    const perCommand = Array.from(
      { length: COMMANDS },
      (_, i) => entries.filter((e) => e.reason === `cmd-${i}`).length,
    );
    const lost = perCommand.filter((n) => n === 0).length;
    const doubled = perCommand.filter((n) => n > 1).length;
    const retried = outcomes.filter((o) => o.attempts > 1).length;
    const replayed = outcomes.filter((o) => o.replayed).length;
    console.info(
      `kill -9: ${kills} kills, ${COMMANDS} commands (${retried} retried after a kill, ${replayed} answered by replay), ${lost} lost, ${doubled} applied twice`,
    );
    expect(kills).toBe(KILLS);
    expect(outcomes.map((o) => o.status)).toEqual(Array(COMMANDS).fill(202));
    expect(outcomes.map((o) => o.body.status)).toEqual(Array(COMMANDS).fill('applied'));
    expect(outcomes.map((o) => o.body.phase)).toEqual(
      Array.from({ length: COMMANDS }, (_, i) => (i % 2 === 0 ? 'paused' : 'ramping')),
    );
    expect(perCommand).toEqual(Array(COMMANDS).fill(1));
  });

  it('leaked no secret across the restarts: answers, logs, database', () => {
    expect(rig.client.leaks).toEqual([]);
    expect(secretsIn(rig.daemon.logs())).toEqual([]);
    for (const file of ['', '-wal', '-shm']) expect(secretsInFile(`${rig.daemon.dbPath}${file}`)).toEqual([]);
  });
});
