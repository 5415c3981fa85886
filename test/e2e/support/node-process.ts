import { type ChildProcess, spawn } from 'node:child_process';
import { REPO_ROOT } from './stack-files.js';

/** A Node.js child process running a TypeScript entry through tsx, stopped by its PID. */
export interface NodeProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Last 64 kB of stderr, for failure messages and the logs kept in test-artifacts/. */
  stderr(): string;
  /** Last 64 kB of stdout (rampart's pino log goes there). */
  stdout(): string;
  /** Resolves with the first stdout line that parses as JSON and satisfies `accept`. */
  jsonLine<T>(accept: (value: unknown) => value is T, timeoutMs: number): Promise<T>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. Safe to call twice. */
  stop(graceMs?: number): Promise<number | null>;
}

/** Spawns `node --import tsx ENTRY ...args` from the repository root. */
export function spawnTsx(entry: string, args: string[], env: Record<string, string>): NodeProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${entry}`);
  const pid = child.pid;
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-64_000);
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let partial = '';
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out = (out + d.toString()).slice(-64_000);
    partial += d.toString();
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const wake of [...waiters]) wake();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => {
    for (const wake of [...waiters]) wake();
  });

  return {
    pid,
    child,
    stderr: () => err,
    stdout: () => out,
    jsonLine<T>(accept: (value: unknown) => value is T, timeoutMs: number): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        let seen = 0;
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${entry}: no ready line within ${timeoutMs} ms; stderr: ${err}`));
        }, timeoutMs);
        function check(): void {
          for (; seen < lines.length; seen++) {
            let value: unknown;
            try {
              value = JSON.parse(lines[seen] ?? '');
            } catch {
              continue;
            }
            if (accept(value)) {
              clearTimeout(timer);
              waiters.delete(check);
              resolve(value);
              return;
            }
          }
          if (child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(new Error(`${entry} exited (${child.exitCode ?? child.signalCode}); stderr: ${err}`));
          }
        }
        waiters.add(check);
        check();
      });
    },
    async stop(graceMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) {
        signal(pid, 'SIGTERM');
        const killer = setTimeout(() => signal(pid, 'SIGKILL'), graceMs);
        const code = await exited;
        clearTimeout(killer);
        return code;
      }
      return exited;
    },
  };
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
