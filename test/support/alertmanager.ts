import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './free-port.js';

/** A throwaway Alertmanager on a free loopback port, owned by the test that started it. */
export interface AlertmanagerServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Stops it by PID and deletes its config and data. Safe to call twice. */
  stop(): Promise<void>;
}

export interface AlertmanagerOptions {
  /** Writes the configuration into `dir` (with any credentials files it names) and returns its YAML. */
  config: (dir: string) => Promise<string> | string;
  /** Binary; default `$ALERTMANAGER_BIN` or `prometheus-alertmanager` (Debian package of that name). */
  bin?: string;
}

/** Starts Alertmanager (no clustering) with a temp config and data dir; waits until `/-/ready` answers 200. */
export async function startAlertmanager(options: AlertmanagerOptions): Promise<AlertmanagerServer> {
  const dir = await mkdtemp(join(tmpdir(), 'rampart-am-'));
  const configFile = join(dir, 'alertmanager.yml');
  try {
    await writeFile(configFile, await options.config(dir));
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const bin = options.bin ?? process.env.ALERTMANAGER_BIN ?? 'prometheus-alertmanager';
  const child: ChildProcess = spawn(
    bin,
    [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let spawnError: Error | undefined;
  child.once('error', (e) => {
    spawnError = e;
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const pid = child.pid;
    if (child.exitCode === null && child.signalCode === null && pid !== undefined) {
      process.kill(pid, 'SIGTERM');
      const killer = setTimeout(() => {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 10_000);
      await exited;
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      `Alertmanager on port ${port}`,
      async () => {
        if (spawnError)
          throw new Error(
            `cannot run ${bin} (install the Debian package prometheus-alertmanager): ${spawnError.message}`,
          );
        if (child.exitCode !== null) throw new Error(`alertmanager exited with ${child.exitCode}: ${log}`);
        const res = await fetch(`${url}/-/ready`);
        return res.status === 200;
      },
      30_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  if (child.pid === undefined) throw new Error('alertmanager has no PID');
  return { url, port, pid: child.pid, stop };
}
