import type { RampartConfig } from './config-schema.js';

/** Below this, a token can be guessed or read over a shoulder; `openssl rand -hex 32` gives 64. */
const MIN_TOKEN_LENGTH = 16;

/** Every address of the machine: reachable from the network, not only from this host. */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]', '0:0:0:0:0:0:0:0']);

/**
 * What is allowed but probably not meant: printed once at start (`rampart run`) and by `rampart
 * validate`, never fatal. `tokenOf(i)` is apiTokens[i] as resolved from its env variable or file
 * (undefined for a sha256 entry or one that cannot be read): only its length is looked at, and no
 * message carries the token.
 */
export function configWarnings(
  config: Pick<RampartConfig, 'listen' | 'apiTokens'>,
  tokenOf: (index: number) => string | undefined,
): string[] {
  const warnings: string[] = [];
  const { host, port } = config.listen;
  if (WILDCARD_HOSTS.has(host)) {
    warnings.push(
      `listen.host ${host} accepts connections from the network on port ${port}, not only from this ` +
        'host; use 127.0.0.1 behind a proxy unless other machines must reach rampart directly',
    );
  }
  if (config.apiTokens.length === 0) {
    warnings.push(
      'apiTokens is empty: nobody can pause, roll back or approve a rollout, and the Alertmanager ' +
        'webhook is refused; add a token (see README "API tokens")',
    );
  }
  config.apiTokens.forEach((t, i) => {
    const token = tokenOf(i);
    if (token === undefined || token.length >= MIN_TOKEN_LENGTH) return;
    const source = t.tokenEnv !== undefined ? `environment variable ${t.tokenEnv}` : `file ${t.tokenFile}`;
    warnings.push(
      `apiTokens[${i}] (${t.name}): the token from ${source} has ${token.length} character${token.length === 1 ? '' : 's'}; ` +
        `use at least ${MIN_TOKEN_LENGTH} (e.g. openssl rand -hex 32)`,
    );
  });
  return warnings;
}
