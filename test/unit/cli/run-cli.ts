import type { CliIo } from '../../../src/cli/cli-io.js';
import { main } from '../../../src/cli/main.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs `rampart ARGV` in-process with captured output and a fixed clock. */
export async function runCli(argv: string[], now = new Date('2026-11-30T09:00:00Z')): Promise<CliRun> {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    env: {},
    now: () => now,
  };
  const code = await main(argv, io);
  return { code, out, err };
}
