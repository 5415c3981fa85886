import { type ChildProcess, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { waitFor } from './free-port.js';

/** A server binary a test runs on loopback, with its own temp dir. */
export interface DaemonOptions {
  /** Shown in messages, e.g. `Prometheus`. */
  name: string;
  bin: string;
  args: string[];
  /** Deleted when the daemon stops (or fails to start). */
  dir: string;
  /** Polled until it answers 200. */
  readyUrl: string;
  /** The Debian package that provides `bin`, named when it cannot be run. */
  debianPackage: string;
}

export interface Daemon {
  readonly pid: number;
  /** SIGTERM by PID (SIGKILL after 10 s), then deletes its dir. Safe to call twice. */
  stop(): Promise<void>;
}

/** Starts a daemon and waits until it is ready; on any failure it is stopped and its dir removed. */
export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const { name, bin, dir } = options;
  const child: ChildProcess = spawn(bin, options.args, { stdio: ['ignore', 'ignore', 'pipe'] });
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
      `${name} at ${options.readyUrl}`,
      async () => {
        if (spawnError) {
          throw new Error(
            `cannot run ${bin} (install the Debian package ${options.debianPackage}): ${spawnError.message}`,
          );
        }
        if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${log}`);
        const res = await fetch(options.readyUrl);
        return res.status === 200;
      },
      30_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  if (child.pid === undefined) throw new Error(`${name} has no PID`);
  return { pid: child.pid, stop };
}
