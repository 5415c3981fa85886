import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { freePort, waitFor } from '../../support/free-port.js';
import { secretEnv } from './attack-secrets.js';

/**
 * A real `rampart run` process on loopback for the attack suite: its own folder (specs, SQLite
 * file, config), every secret kind configured (attack-secrets.ts), its stdout and stderr kept for
 * the secret scan. Started from one esbuild bundle of run-entry.ts, so the kill -9 test's restarts
 * cost milliseconds, not a TypeScript compile each.
 */
export interface AttackDaemon {
  readonly url: string;
  readonly dir: string;
  readonly specsDir: string;
  readonly dbPath: string;
  readonly pid: number | undefined;
  /** Everything the process wrote to stdout and stderr, over every (re)start. */
  logs(): string;
  /** SIGKILL by PID, then wait for the exit. */
  kill(): Promise<void>;
  /** Starts the process again on the same folder and port. */
  restart(): Promise<void>;
  /** SIGTERM by PID (SIGKILL after 10 s). */
  stop(): Promise<void>;
  /** stop() and delete the folder. */
  dispose(): Promise<void>;
}

export interface AttackDaemonOptions {
  /** Extra spec files, name -> YAML, next to the two default rollouts. */
  specs?: Record<string, string>;
  /** Where the slack-webhook notifier posts (its URL carries the webhook secret). */
  webhookSink: string;
  /** A postgres:// store (its password from ATTACK_STORE_PASSWORD) instead of the SQLite file. */
  postgresUrl?: string;
}

/** Rollout specs every attack daemon carries: both subscribe to alerts, mfa-staff notifies. */
export function rolloutSpec(name: string, extra = ''): string {
  return `apiVersion: rampart/v1
kind: Rollout
name: ${name}
flag: { backend: embedded, name: ${name}-flag }
steps: [1, 5, 25, 50, 100]
bake: 1h
tick: 1s
noDataTimeout: 1h
guardrails:
  - name: login-success
    compare: { metric: login_attempts_total, good: { result: success }, maxDrop: 0.05 }
alerts: { match: { rollout: ${name} } }
notify: [hook]
${extra}`;
}

let bundlePromise: Promise<string> | undefined;

/**
 * Bundles run-entry.ts three folders below the repository root (.tmp/attack/<id>/), where the status
 * page looks for its assets relative to the code (src/http/status-page/create-status-page.ts);
 * src/version.ts reads `../package.json`, so .tmp/attack/ gets one with the real version.
 */
function runBundle(): Promise<string> {
  bundlePromise ??= (async () => {
    const root = join(process.cwd(), '.tmp', 'attack');
    mkdirSync(root, { recursive: true });
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    writeFileSync(join(root, 'package.json'), JSON.stringify({ type: 'module', private: true, version }));
    const bundleDir = mkdtempSync(join(root, 'bundle-'));
    process.once('exit', () => rmSync(bundleDir, { recursive: true, force: true }));
    // The spec loader's worker is its own entry, next to the bundle as the daemon expects it
    // (src/compose/worker-spec-loader.ts looks for spec-load-worker with its own extension).
    await build({
      entryPoints: ['test/support/run-entry.ts', 'src/compose/spec-load-worker.ts'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      outdir: bundleDir,
      entryNames: '[name]',
      outExtension: { '.js': '.mjs' },
      logLevel: 'warning',
    });
    return join(bundleDir, 'run-entry.mjs');
  })();
  return bundlePromise;
}

function configYaml(dir: string, port: number, postgresUrl?: string): string {
  const token = (role: string) =>
    `  - { name: ${role}-user, role: ${role}, tokenEnv: ATTACK_${role.toUpperCase()}_TOKEN }`;
  return `apiVersion: rampart/v1
kind: Config
listen: { host: 127.0.0.1, port: ${port} }
specsDir: ${join(dir, 'flags')}
store: ${postgresUrl ? `{ url: "${postgresUrl}", passwordEnv: ATTACK_STORE_PASSWORD }` : `{ url: "sqlite:${join(dir, 'rampart.db')}" }`}
flagBackends:
  embedded: { type: embedded, clientTokensEnv: ATTACK_CLIENT_TOKENS }
  unleash: { type: unleash, url: "http://127.0.0.1:9/", adminTokenEnv: ATTACK_UNLEASH_TOKEN }
apiTokens:
${['viewer', 'operator', 'admin', 'alertmanager'].map(token).join('\n')}
notifiers:
  hook: { type: slack-webhook, urlEnv: ATTACK_WEBHOOK_URL }
`;
}

export async function startAttackDaemon(options: AttackDaemonOptions): Promise<AttackDaemon> {
  const bundle = await runBundle();
  const dir = mkdtempSync(join(process.cwd(), '.tmp', 'attack', 'run-'));
  const specsDir = join(dir, 'flags');
  mkdirSync(specsDir);
  const specs = { 'mfa-staff.yaml': rolloutSpec('mfa-staff'), 'checkout.yaml': rolloutSpec('checkout') };
  for (const [file, text] of Object.entries({ ...specs, ...options.specs })) {
    writeFileSync(join(specsDir, file), text);
  }
  const port = await freePort();
  const config = join(dir, 'rampart.yaml');
  writeFileSync(config, configYaml(dir, port, options.postgresUrl));
  const url = `http://127.0.0.1:${port}`;
  const env = { ...process.env, ...secretEnv(options.webhookSink), RAMPART_LOG_LEVEL: 'debug' };
  let log = '';
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    const proc = spawn(process.execPath, [bundle, config], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    proc.stdout?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    proc.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    await waitFor(
      `rampart run at ${url}`,
      async () => {
        if (proc.exitCode !== null)
          throw new Error(`rampart exited with ${proc.exitCode}: ${log.slice(-2000)}`);
        return (await fetch(`${url}/healthz`)).ok;
      },
      30_000,
      50,
    );
  };
  const signal = async (sig: NodeJS.Signals) => {
    const pid = child?.pid;
    if (child && child.exitCode === null && child.signalCode === null && pid !== undefined) {
      process.kill(pid, sig);
      const killer = setTimeout(() => {
        if (child?.exitCode === null) process.kill(pid, 'SIGKILL');
      }, 10_000);
      await exited;
      clearTimeout(killer);
    }
  };
  await start();
  const daemon: AttackDaemon = {
    url,
    dir,
    specsDir,
    dbPath: join(dir, 'rampart.db'),
    get pid() {
      return child?.pid;
    },
    logs: () => log,
    kill: () => signal('SIGKILL'),
    restart: start,
    stop: () => signal('SIGTERM'),
    async dispose() {
      await signal('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return daemon;
}

/**
 * Runs `rampart run` on an attack config whose store is `storeUrl` and waits for it to exit (a
 * start-up that must fail); returns its exit code and everything it printed.
 */
export async function runUntilExit(
  storeUrl: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; output: string }> {
  const bundle = await runBundle();
  const dir = mkdtempSync(join(process.cwd(), '.tmp', 'attack', 'fail-'));
  try {
    mkdirSync(join(dir, 'flags'));
    writeFileSync(join(dir, 'flags', 'mfa-staff.yaml'), rolloutSpec('mfa-staff'));
    const config = join(dir, 'rampart.yaml');
    writeFileSync(
      config,
      configYaml(dir, await freePort()).replace(/^store: .*$/m, `store: { url: "${storeUrl}" }`),
    );
    const proc = spawn(process.execPath, [bundle, config], {
      env: { ...process.env, ...secretEnv('http://127.0.0.1:9'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    proc.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    proc.stderr?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
    return { code, output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
