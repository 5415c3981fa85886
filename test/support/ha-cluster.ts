import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

export const OPERATOR_TOKEN = 'ha-operator-token-0123456789';
export const ALERT_TOKEN = 'ha-alertmanager-token-0123456789';
export const ROLLOUT = 'mfa-ha';
export const HA_STEPS = [1, 2, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100];

/** One pino log line of a replica, with the local time it was written. */
export interface LogLine {
  time: number;
  msg: string;
  replica?: string;
  epoch?: number;
  [key: string]: unknown;
}

/** A `rampart run` child process: one replica. */
export interface Replica {
  readonly id: string;
  readonly url: string;
  child: ChildProcess;
  exited: Promise<void>;
  logs: LogLine[];
  stderr: string;
}

export interface ClusterOptions {
  /** PostgreSQL database shared by every replica. */
  storeUrl: string;
  /** /metrics of the test metrics app the replicas scrape. */
  metricsUrl: string;
  bake?: string;
  tick?: string;
  steps?: number[];
}

/**
 * N replicas of rampart on one PostgreSQL database, each a real `rampart run` process on its own
 * free port, sharing one spec directory (embedded flags live in the store, so all see the same flags).
 */
export class HaCluster {
  readonly replicas = new Map<string, Replica>();
  private readonly dir = mkdtempSync(join(tmpdir(), 'rampart-ha-'));
  private readonly ports = new Map<string, number>();

  constructor(private readonly options: ClusterOptions) {
    const steps = options.steps ?? HA_STEPS;
    writeFileSync(
      join(this.dir, 'mfa-ha.yaml'),
      `apiVersion: rampart/v1
kind: Rollout
name: ${ROLLOUT}
flag: { backend: embedded, name: mfa-ha-login }
steps: [${steps.join(', ')}]
bake: ${options.bake ?? '1s'}
tick: ${options.tick ?? '200ms'}
start: auto
soak: 1s
minSamples: 0
noDataTimeout: 10m
alerts: { match: { rollout: ${ROLLOUT} } }
guardrails:
  - name: no-owner-mismatch
    zero: { metric: mfa_enrollment_owner_mismatch_total }
`,
    );
  }

  /** Starts (or restarts) replica `id` on its port; resolves when /healthz answers. */
  async start(id: string): Promise<Replica> {
    let port = this.ports.get(id);
    if (port === undefined) {
      port = await freePort();
      this.ports.set(id, port);
    }
    const config = join(this.dir, `${id}.yaml`);
    writeFileSync(
      config,
      `apiVersion: rampart/v1
kind: Config
listen: { host: 127.0.0.1, port: ${port} }
specsDir: ${join(this.dir)}
store: { url: "${this.options.storeUrl}" }
metricSource:
  type: scrape
  interval: 200ms
  timeout: 1s
  targets: [{ url: "${this.options.metricsUrl}" }]
apiTokens:
  - { name: ops, role: operator, tokenEnv: HA_OPERATOR_TOKEN }
  - { name: am, role: alertmanager, tokenEnv: HA_ALERT_TOKEN }
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/run-entry.ts', config], {
      env: {
        ...process.env,
        HA_OPERATOR_TOKEN: OPERATOR_TOKEN,
        HA_ALERT_TOKEN: ALERT_TOKEN,
        RAMPART_REPLICA_ID: id,
        RAMPART_LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const replica: Replica = {
      id,
      url: `http://127.0.0.1:${port}`,
      child,
      exited: new Promise((resolve) => child.once('exit', () => resolve())),
      logs: [],
      stderr: '',
    };
    let partial = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        try {
          replica.logs.push(JSON.parse(line) as LogLine);
        } catch {
          // not a log line
        }
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      replica.stderr = (replica.stderr + chunk.toString()).slice(-8000);
    });
    this.replicas.set(id, replica);
    for (let i = 0; i < 300; i++) {
      if (child.exitCode !== null) throw new Error(`replica ${id} exited: ${replica.stderr}`);
      if (
        await fetch(`${replica.url}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        return replica;
      await sleep(50);
    }
    throw new Error(`replica ${id} did not start: ${replica.stderr}`);
  }

  /** SIGKILLs replica `id` and waits until it is gone; returns the time of the kill. */
  async kill(id: string): Promise<number> {
    const replica = this.replicas.get(id);
    if (!replica || replica.child.exitCode !== null || replica.child.signalCode !== null) return Date.now();
    const at = Date.now();
    replica.child.kill('SIGKILL');
    await replica.exited;
    return at;
  }

  /** SIGTERMs replica `id` (a clean shutdown) and resolves with its exit code. */
  async terminate(id: string): Promise<number | null> {
    const replica = this.replicas.get(id);
    if (!replica) throw new Error(`no replica ${id}`);
    replica.child.kill('SIGTERM');
    await replica.exited;
    return replica.child.exitCode;
  }

  running(): Replica[] {
    return [...this.replicas.values()].filter(
      (r) => r.child.exitCode === null && r.child.signalCode === null,
    );
  }

  /** /readyz of `id` (role, leader), or undefined when it does not answer. */
  async readyz(id: string): Promise<Readyz | undefined> {
    const replica = this.replicas.get(id);
    if (!replica) return undefined;
    return fetch(`${replica.url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.json() as Promise<Readyz>,
      () => undefined,
    );
  }

  /** Polls until a running replica reports itself leader; returns its id and when it was seen. */
  async waitForLeader(timeoutMs = 10_000, except?: string): Promise<{ id: string; at: number }> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const r of this.running()) {
        if (r.id === except) continue;
        if ((await this.readyz(r.id))?.role === 'leader') return { id: r.id, at: Date.now() };
      }
      await sleep(25);
    }
    throw new Error(`no leader within ${timeoutMs} ms`);
  }

  /** An authenticated API call against replica `id`. */
  async api<T>(
    id: string,
    path: string,
    body?: unknown,
    token = OPERATOR_TOKEN,
  ): Promise<{ status: number; body: T }> {
    const replica = this.replicas.get(id);
    if (!replica) throw new Error(`no replica ${id}`);
    const res = await fetch(`${replica.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  /** Kills every replica and removes the work directory. */
  async close(): Promise<void> {
    for (const r of this.replicas.values()) {
      if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
      await r.exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface Readyz {
  status: string;
  replica: string;
  role: 'leader' | 'follower';
  leader: { replica: string; epoch: number } | null;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
