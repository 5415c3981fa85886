import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../support/free-port.js';
import { writeRunConfig } from '../../support/run-config.js';

const TOKEN = 'run-test-operator-token';

interface Proc {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

const started: Proc[] = [];
const dirs: string[] = [];

function rampart(args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/cli-entry.ts', ...args], {
    env: { ...process.env, RAMPART_OPERATOR_TOKEN: TOKEN, RAMPART_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d) => {
    err += String(d);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const proc = { child, stderr: () => err, exited };
  started.push(proc);
  return proc;
}

function workdir(port: number): { dir: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-run-'));
  dirs.push(dir);
  writeFileSync(
    join(dir, 'mfa.yaml'),
    `apiVersion: rampart/v1
kind: Rollout
name: mfa-staff
flag: { backend: embedded, name: mfa-staff-login }
steps: [1, 5, 25, 50, 100]
bake: 1m
tick: 1s
noDataTimeout: 10m
guardrails:
  - name: login-success
    compare: { metric: login_attempts_total, good: { result: success }, maxDrop: 0.05 }
`,
  );
  return { dir, config: writeRunConfig(dir, port) };
}

async function waitReady(url: string, proc: Proc): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (proc.child.exitCode !== null) throw new Error(`rampart exited: ${proc.stderr()}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`rampart did not start: ${proc.stderr()}`);
}

afterEach(async () => {
  for (const p of started.splice(0)) {
    if (p.child.exitCode === null && p.child.pid) p.child.kill('SIGKILL');
    await p.exited;
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('rampart run', () => {
  it('serves the API for the specs it loads, and shuts down cleanly on SIGTERM', async () => {
    const port = await freePort();
    const { config } = workdir(port);
    const proc = rampart(['run', '--config', config]);
    const url = `http://127.0.0.1:${port}`;
    await waitReady(url, proc);
    const auth = { Authorization: `Bearer ${TOKEN}` };
    const list = (await (await fetch(`${url}/api/rollouts`, { headers: auth })).json()) as {
      rollouts: { name: string }[];
    };
    expect(list.rollouts.map((r: { name: string }) => r.name)).toEqual(['mfa-staff']);
    const res = await fetch(`${url}/api/rollouts/mfa-staff/rollback`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ reason: 'smoke test' }),
    });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { phase: string }).phase).toBe('rolled_back');
    const ready = await fetch(`${url}/readyz`);
    expect(Object.keys(((await ready.json()) as { checks: object }).checks)).toEqual([
      'store',
      'flagBackend:embedded',
      'metricSource:scrape',
    ]);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('rampart_rollbacks_total{rollout="mfa-staff",reason="manual"} 1');
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    expect(proc.stderr()).toContain('SIGTERM, shutting down');
  });

  it('refuses a port in use with a clear message and exit 1', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
    );
    try {
      const { config } = workdir(port);
      const proc = rampart(['run', '--config', config]);
      expect(await proc.exited).toBe(1);
      expect(proc.stderr()).toContain(`port ${port} on 127.0.0.1 is in use`);
    } finally {
      blocker.close();
    }
  });

  it('reports a missing secret and an unknown backend with where they are, exit 1', async () => {
    const port = await freePort();
    const { dir, config } = workdir(port);
    writeFileSync(
      join(dir, 'mfa.yaml'),
      `apiVersion: rampart/v1\nkind: Rollout\nname: x\nflag: { backend: unleash, name: f }\nsteps: [100]\nbake: 1m\ntick: 10s\nguardrails: [{ name: z, zero: { metric: m_total } }]\n`,
    );
    const proc = rampart(['run', '--config', config], { RAMPART_OPERATOR_TOKEN: '' });
    expect(await proc.exited).toBe(1);
    expect(proc.stderr()).toContain(
      'environment variable RAMPART_OPERATOR_TOKEN: apiTokens[0] (ci): is not set or empty',
    );
  });
});
