// Runs the `rampart` CLI from source (for tests that need a real process, e.g. signals).
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
