import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon } from './daemon.js';
import { freePort } from './free-port.js';
import { requireTestServer } from './test-servers.js';

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
  /** Binary; default `$ALERTMANAGER_BIN` or `prometheus-alertmanager` on PATH (see test-servers.ts). */
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
  const daemon = await startDaemon({
    name: 'Alertmanager',
    bin: options.bin ?? requireTestServer('alertmanager'),
    args: [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    dir,
    readyUrl: `${url}/-/ready`,
    debianPackage: 'prometheus-alertmanager',
  });
  return { url, port, pid: daemon.pid, stop: daemon.stop };
}
