import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort, waitFor } from './free-port.js';
import { type PostgresServer, startPostgres } from './postgres.js';
import { requireTestServer } from './test-servers.js';

/** A real unleash-server 7.4.1 on a free loopback port, with its own PostgreSQL database. */
export interface UnleashServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** An admin API token (`*:*.<secret>`) created at startup. */
  readonly adminToken: string;
  /** A backend (client SDK) token for the `development` environment of project `default`. */
  readonly backendToken: string;
  /** PID of the running server, undefined while stopped. */
  pid(): number | undefined;
  /** Stops the server by PID; the database is kept, so `start()` brings back the same flags. */
  stopServer(): Promise<void>;
  /** Starts the server again on the same port and database. */
  startServer(): Promise<void>;
  /** Stops the server and the PostgreSQL it started. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartUnleashOptions {
  /** Reuse a PostgreSQL (a fresh database is created in it); otherwise one is started and owned. */
  postgres?: PostgresServer;
}

/** Starts PostgreSQL (unless given) and unleash-server, and waits for /health. Tears both down on failure. */
export async function startUnleashServer(options: StartUnleashOptions = {}): Promise<UnleashServer> {
  const serverDir = requireTestServer('unleashServer');
  const entry = join(serverDir, 'start.mjs');
  const ownsPostgres = options.postgres === undefined;
  const postgres = options.postgres ?? (await startPostgres());
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let log = '';
  try {
    const database = `unleash_${randomBytes(4).toString('hex')}`;
    const databaseUrl = await postgres.createDatabase(database);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const adminToken = `*:*.${randomBytes(16).toString('hex')}`;
    const backendToken = `default:development.${randomBytes(16).toString('hex')}`;
    const env = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DATABASE_SSL: 'false',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      UNLEASH_URL: url,
      INIT_ADMIN_API_TOKENS: adminToken,
      INIT_BACKEND_API_TOKENS: backendToken,
      CHECK_VERSION: 'false',
      SEND_TELEMETRY: 'false',
      LOG_LEVEL: 'warn',
      GRACEFUL_SHUTDOWN_ENABLE: 'false',
    };

    const startServer = async () => {
      log = '';
      const proc = spawn(process.execPath, [entry], {
        cwd: serverDir,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = proc;
      const keep = (chunk: Buffer) => {
        log = (log + chunk.toString()).slice(-4000);
      };
      proc.stdout?.on('data', keep);
      proc.stderr?.on('data', keep);
      exited = new Promise((r) => proc.once('exit', () => r()));
      await waitFor(
        `unleash-server at ${url}`,
        async () => {
          if (proc.exitCode !== null) throw new Error(`unleash-server exited (${proc.exitCode}): ${log}`);
          const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
          return res.ok;
        },
        180_000,
        250,
      );
    };

    const stopServer = async () => {
      const proc = child;
      child = undefined;
      if (proc?.pid === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000).unref());
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        proc.kill('SIGKILL');
        await exited;
      }
    };

    await startServer();
    let stopped = false;
    return {
      url,
      adminToken,
      backendToken,
      pid: () => child?.pid,
      stopServer,
      startServer,
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopServer();
        if (ownsPostgres) await postgres.stop();
      },
    };
  } catch (error) {
    if (child?.pid !== undefined && child.exitCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    if (ownsPostgres) await postgres.stop();
    throw error;
  }
}

/**
 * What a person does in the Unleash UI, through the same Admin API: `path` is below /api/admin/.
 * Throws with the status and body on anything but 2xx; returns the parsed body, if any.
 */
export async function unleashAdmin(
  unleash: Pick<UnleashServer, 'url' | 'adminToken'>,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const res = await fetch(`${unleash.url}/api/admin/${path}`, {
    method,
    headers: { Authorization: unleash.adminToken, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}
