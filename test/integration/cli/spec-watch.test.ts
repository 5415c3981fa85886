import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../../support/free-port.js';
import { writeRunConfig } from '../../support/run-config.js';

/**
 * `rampart run` watching a real spec directory while the files are changed the way people and
 * tools change them: `sed -i` (a new file renamed over the old one) three times in a row, an
 * editor's write-then-rename, a new file, a refused change and a deletion.
 */
const TOKEN = 'spec-watch-operator-token';
const auth = { Authorization: `Bearer ${TOKEN}` };
let dir: string;
let url: string;
let child: ChildProcess | undefined;
let stderr = '';

const spec = (name: string, extra = '') => `apiVersion: rampart/v1
kind: Rollout
name: ${name}
flag: { backend: embedded, name: ${name}-flag }
steps: [1, 5, 25, 50, 100]
bake: 1m
tick: 1s
start: auto
noDataTimeout: 10m
guardrails:
  - name: login-success
    compare: { metric: login_attempts_total, good: { result: success }, maxDrop: 0.05 }
${extra}`;

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${url}${path}`, { headers: auth });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

interface Entry {
  action: string;
  actor: string;
  reason: string;
}
const audit = async (name: string) =>
  (await api<{ entries: Entry[] }>(`/api/rollouts/${name}/audit?limit=1000`)).entries;
const reloads = async () => (await audit('mfa-staff')).filter((e) => e.action === 'spec_reloaded');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rampart-watch-'));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  writeFileSync(join(dir, 'mfa.yaml'), spec('mfa-staff'));
  const config = writeRunConfig(dir, port);
  child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/support/cli-entry.ts', 'run', '--config', config],
    {
      env: { ...process.env, RAMPART_OPERATOR_TOKEN: TOKEN, RAMPART_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  await waitFor(
    'rampart run listening',
    () =>
      fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      ),
    60_000,
  );
  await waitFor(
    'mfa-staff ramping',
    async () => (await api<{ phase: string }>('/api/rollouts/mfa-staff')).phase === 'ramping',
    20_000,
  );
}, 90_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('rampart run watches its spec directory', () => {
  it('applies sed -i three times in a row, then an editor-style atomic rename', async () => {
    const file = join(dir, 'mfa.yaml');
    for (const [i, bake] of ['2m', '3m', '4m'].entries()) {
      execFileSync('sed', ['-i', `s/^bake: .*/bake: ${bake}/`, file]);
      await waitFor(`sed -i #${i + 1} applied`, async () => (await reloads()).length === i + 1, 15_000);
    }
    // An editor: write a temporary file next to it, rename it over the spec.
    writeFileSync(join(dir, '.mfa.yaml.tmp'), spec('mfa-staff').replace('bake: 1m', 'bake: 5m'));
    renameSync(join(dir, '.mfa.yaml.tmp'), file);
    await waitFor('atomic rename applied', async () => (await reloads()).length === 4, 15_000);
    expect((await reloads()).map((e) => e.reason)).toEqual(Array(4).fill('spec changed: bake'));
  }, 90_000);

  it('shows a refused reload on status until the file matches again', async () => {
    const file = join(dir, 'mfa.yaml');
    execFileSync('sed', ['-i', 's/^steps: .*/steps: [2, 100]/', file]);
    let problems: string[] = [];
    await waitFor(
      'refused reload shown',
      async () => {
        const d = await api<{ refusedSpec: { problems: string[] } | null }>('/api/rollouts/mfa-staff');
        problems = d.refusedSpec?.problems ?? [];
        return d.refusedSpec !== null;
      },
      15_000,
    );
    expect(problems).toEqual([
      'steps [2, 100] do not contain the live 1 %: the rollout would drop below it or jump over it',
    ]);
    const status = execFileSync(
      process.execPath,
      ['--import', 'tsx', 'test/support/cli-entry.ts', 'status', 'mfa-staff', '--server', url],
      { env: { ...process.env, RAMPART_TOKEN: TOKEN }, encoding: 'utf8' },
    );
    expect(status).toContain('spec file on disk differs from the running spec: its reload was refused');
    execFileSync('sed', ['-i', 's/^steps: .*/steps: [1, 5, 25, 50, 100]/', file]);
    await waitFor(
      'refusal cleared',
      async () => (await api<{ refusedSpec: unknown }>('/api/rollouts/mfa-staff')).refusedSpec === null,
      15_000,
    );
  }, 60_000);

  it('registers a new spec file without a restart', async () => {
    writeFileSync(join(dir, 'checkout.yaml'), spec('checkout'));
    await waitFor(
      'checkout registered and ticked',
      async () => {
        const { rollouts } = await api<{ rollouts: { name: string; phase: string }[] }>('/api/rollouts');
        return rollouts.some((r) => r.name === 'checkout' && r.phase === 'ramping');
      },
      15_000,
    );
  }, 30_000);

  it('pauses the rollout of a deleted spec file and says why', async () => {
    unlinkSync(join(dir, 'mfa.yaml'));
    const reason = `spec file removed: ${join(dir, 'mfa.yaml')}`;
    await waitFor(
      'mfa-staff paused',
      async () => {
        const d = await api<{ phase: string; reason: string | null }>('/api/rollouts/mfa-staff');
        return d.phase === 'paused' && d.reason === reason;
      },
      15_000,
    );
    expect((await audit('mfa-staff')).find((e) => e.action === 'paused')).toMatchObject({
      actor: 'spec-file',
      reason,
    });
    // The other rollout is untouched.
    expect((await api<{ phase: string }>('/api/rollouts/checkout')).phase).toBe('ramping');
    expect(stderr).not.toMatch(/not handled/);
  }, 30_000);
});
