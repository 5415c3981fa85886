import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort, waitFor } from './free-port.js';
import { requireTestServer } from './test-servers.js';

const run = promisify(execFile);

/** A throwaway PostgreSQL server on a free loopback port, owned by the test that started it. */
export interface PostgresServer {
  readonly port: number;
  readonly pid: number;
  readonly dataDir: string;
  /** Connection URL of database `name` (default `postgres`), superuser `postgres`, no password. */
  url(name?: string): string;
  /** Creates a database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server by PID (fast shutdown) and deletes its data directory. Safe to call twice. */
  stop(): Promise<void>;
}

interface RunAs {
  uid?: number;
  gid?: number;
}

/** PostgreSQL refuses to run as root, so as root we run it as the `postgres` user. */
async function runAsPostgresUser(): Promise<RunAs> {
  if (process.getuid?.() !== 0) return {};
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  return { uid, gid };
}

/** Starts a fresh PostgreSQL: initdb into a temp dir, then the `postgres` binary itself (its PID is ours). */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = requireTestServer('postgres');
  const as = await runAsPostgresUser();
  // /tmp is reachable by the postgres user even when $TMPDIR lives under /root.
  const dataDir = await mkdtemp(join(as.uid === undefined ? tmpdir() : '/tmp', 'rampart-pg-'));
  if (as.uid !== undefined && as.gid !== undefined) await chown(dataDir, as.uid, as.gid);
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  await run(
    join(bin, 'initdb'),
    ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions'],
    { ...as, env, cwd: dataDir },
  );
  const port = await freePort();
  const child = spawn(
    join(bin, 'postgres'),
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-k',
      dataDir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ],
    { ...as, env, cwd: dataDir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const exited = exitPromise(child);
  const server = makeServer(child, port, dataDir, exited);
  try {
    await waitFor(
      `PostgreSQL on 127.0.0.1:${port}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`postgres exited (${child.exitCode}): ${log}`);
        return query(server.url(), 'SELECT 1').then(() => true);
      },
      30_000,
      100,
    );
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

function exitPromise(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

function makeServer(
  child: ChildProcess,
  port: number,
  dataDir: string,
  exited: Promise<void>,
): PostgresServer {
  const pid = child.pid;
  if (pid === undefined) throw new Error('postgres did not start (no PID)');
  let stopped = false;
  const url = (name = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${name}`;
  return {
    port,
    pid,
    dataDir,
    url,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
      await query(url(), `CREATE DATABASE ${name}`);
      return url(name);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        process.kill(pid, 'SIGINT'); // fast shutdown: disconnect clients, no checkpoint wait
      } catch {
        // already gone
      }
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000).unref());
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function query(connectionString: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
