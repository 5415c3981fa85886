import type { Env } from '../config/env-overrides.js';
import { ApiClient, serverUrl } from './api-client.js';
import type { OptionsConfig } from './command.js';

/** Options every remote command takes. */
export const REMOTE_OPTIONS: OptionsConfig = {
  server: { type: 'string' },
  json: { type: 'boolean' },
};

export const REMOTE_HELP = `  --server URL   rampart's HTTP API (default: $RAMPART_URL, else http://127.0.0.1:8080)
  --json         Print JSON for scripts instead of tables
  -h, --help

Environment:
  RAMPART_TOKEN  API token (role viewer to read; operator or admin for commands)
  RAMPART_URL    Default for --server

Exit codes:
  0  done
  1  the server refused (401, 403, 404, 409, 400) or cannot be reached; the message says why
  2  usage error`;

export function clientFor(values: Record<string, unknown>, env: Env): ApiClient {
  return new ApiClient(serverUrl(values.server, env), env.RAMPART_TOKEN);
}
