import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Router } from 'express';
import { loadConfig } from '../../src/config/load-config.js';
import { resolveConfig } from '../../src/config/resolve-config.js';
import { type RunningRampart, startRampart } from '../../src/main.js';
import { createLogger } from '../../src/telemetry/create-logger.js';

/** The operator API token of rampart instances started here. */
export const OPERATOR_TOKEN = 'rampart-on-unleash-operator';

/**
 * rampart from a real rampart.yaml in `dir`: an `unleash` backend at `unleashUrl` whose admin token
 * is read from a file (`adminTokenFile`), and the mfa-staff rollout (flag `mfa-<name>`, tick 1s).
 */
export async function startRampartOnUnleash(options: {
  dir: string;
  name: string;
  unleashUrl: string;
  adminToken: string;
  statusPage?: Router;
}): Promise<{ rampart: RunningRampart; tokenFile: string }> {
  const { dir, name } = options;
  const specs = join(dir, `${name}-flags`);
  const tokenFile = join(dir, `${name}-unleash-token`);
  writeFileSync(tokenFile, `${options.adminToken}\n`);
  mkdirSync(specs);
  writeFileSync(
    join(specs, 'mfa.yaml'),
    `apiVersion: rampart/v1
kind: Rollout
name: mfa-staff
flag: { backend: unleash, name: mfa-${name} }
steps: [1, 5, 25, 50, 100]
bake: 1m
tick: 1s
start: auto
noDataTimeout: 10m
guardrails:
  - name: login-success
    compare: { metric: login_attempts_total, good: { result: success }, maxDrop: 0.05 }
`,
  );
  const config = join(dir, `${name}.yaml`);
  writeFileSync(
    config,
    `apiVersion: rampart/v1
kind: Config
listen: { host: 127.0.0.1, port: 0 }
specsDir: ${specs}
flagBackends:
  unleash: { type: unleash, url: "${options.unleashUrl}", adminTokenFile: ${tokenFile}, timeout: 2s, maxAttempts: 1 }
store: { url: "sqlite:${join(dir, `${name}.db`)}" }
apiTokens:
  - { name: ci, role: operator, tokenEnv: RAMPART_TEST_TOKEN }
`,
  );
  const env = { RAMPART_TEST_TOKEN: OPERATOR_TOKEN };
  const loaded = await loadConfig({ path: config, env });
  const resolved = loaded.ok ? resolveConfig(loaded.value, env) : loaded;
  if (!resolved.ok) throw resolved.error;
  const rampart = await startRampart({
    runtime: resolved.value,
    logger: createLogger({ level: 'silent' }),
    statusPage: options.statusPage,
  });
  return { rampart, tokenFile };
}
