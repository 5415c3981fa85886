import type { Env } from '../config/env-overrides.js';

/** Everything a command touches outside itself, injected so tests run commands in-process. */
export interface CliIo {
  /** Normal output (reports, tables, JSON). */
  out(text: string): void;
  /** Diagnostics: usage errors and problems that stop a command. */
  err(text: string): void;
  env: Env;
  now(): Date;
}

/** The real process: stdout, stderr, process.env and the wall clock. */
export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
    now: () => new Date(),
  };
}
