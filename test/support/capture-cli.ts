import type { CliIo } from '../../src/cli/cli-io.js';
import type { Command } from '../../src/cli/command.js';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/**
 * Runs `rampart ARGV` in-process with its stdout and stderr captured, the environment and clock the
 * test gives, and `commands` instead of the full registry when a test wires only some.
 */
export async function captureCli(
  argv: string[],
  options: { env: CliIo['env']; now: () => Date; commands?: readonly Command[] },
): Promise<CliRun> {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    env: options.env,
    now: options.now,
  };
  const code = await main(argv, io, options.commands);
  return { code, out, err };
}
