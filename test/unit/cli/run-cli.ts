import { type CliRun, captureCli } from '../../support/capture-cli.js';

/** Runs `rampart ARGV` in-process with captured output, no environment and a fixed clock. */
export function runCli(argv: string[], now = new Date('2026-11-30T09:00:00Z')): Promise<CliRun> {
  return captureCli(argv, { env: {}, now: () => now });
}
