// Runs exactly `rampart run --config FILE` from source (the CLI's run command, nothing else loaded),
// for tests that need real replica processes to SIGKILL.
import { processIo } from '../../src/cli/cli-io.js';
import { runCommand } from '../../src/cli/run.js';

const config = process.argv[2];
if (!config) throw new Error('usage: run-entry.ts CONFIG');
process.exitCode = await runCommand.run(
  { values: { config }, positionals: [] },
  { io: processIo(), commands: [runCommand] },
);
