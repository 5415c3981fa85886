import { loadConfig } from '../config/load-config.js';
import { resolveConfig } from '../config/resolve-config.js';
import { formatIssue, ValidationError } from '../errors/validation-error.js';
import { startRampart } from '../main.js';
import type { Command } from './command.js';
import { EXIT } from './command.js';

/** Resolves on the first SIGTERM or SIGINT. */
function shutdownSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => () => resolve(signal);
    process.once('SIGTERM', on('SIGTERM'));
    process.once('SIGINT', on('SIGINT'));
  });
}

export const runCommand: Command = {
  name: 'run',
  summary: 'Run the controller and its HTTP API (the production entry point).',
  usage: 'rampart run [--config FILE]',
  details: `Options:
  --config FILE  Controller configuration (default: $RAMPART_CONFIG, else ./rampart.yaml if it
                 exists, else built-in defaults: embedded flags, SQLite in ./data, 127.0.0.1:8080)
  -h, --help

Loads every rollout spec under specsDir (default flags/), ticks each rollout every spec.tick,
serves the API, the status page at / (log in with an apiTokens token), the Alertmanager receiver
and /metrics. Watches specsDir: changed specs are reloaded (unsafe changes refused, shown by
status), new files start their rollout as pending, a removed file pauses its rollout.
With store.url postgres://..., run any number of replicas on one database: one leads (advisory
lock, fenced by epoch) and acts; the others serve reads and pass commands on. RAMPART_REPLICA_ID
names a replica (default hostname:pid).
SIGTERM or SIGINT: the tick in flight finishes, the server stops, the store is closed.

Exit codes:
  0  stopped by a signal after a clean shutdown
  1  invalid configuration or specs (every problem printed with file:line), or a port in use
  2  usage error`,
  options: { config: { type: 'string' } },
  allowPositionals: false,
  async run({ values }, { io }) {
    const path = typeof values.config === 'string' ? values.config : undefined;
    const loaded = await loadConfig({ path, env: io.env });
    const resolved = loaded.ok ? resolveConfig(loaded.value, io.env) : loaded;
    if (!resolved.ok) {
      io.err(`rampart run: invalid configuration\n${resolved.error.issues.map(formatIssue).join('\n')}\n`);
      return EXIT.failed;
    }
    let running: Awaited<ReturnType<typeof startRampart>>;
    try {
      running = await startRampart({ runtime: resolved.value });
    } catch (error) {
      if (error instanceof ValidationError) {
        io.err(`rampart run: cannot start\n${error.issues.map(formatIssue).join('\n')}\n`);
        return EXIT.failed;
      }
      io.err(`rampart run: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
      return EXIT.failed;
    }
    io.err(`rampart listening on ${running.url}\n`);
    const signal = await shutdownSignal();
    io.err(`rampart: ${signal}, shutting down\n`);
    await running.close();
    return EXIT.ok;
  },
};
