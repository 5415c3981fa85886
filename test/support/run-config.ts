import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes the smallest `rampart run` config for a test folder: loopback on `port`, specs read from
 * `dir`, a SQLite file in `dir`, one operator token from RAMPART_OPERATOR_TOKEN. Returns its path.
 */
export function writeRunConfig(dir: string, port: number): string {
  const config = join(dir, 'rampart.yaml');
  writeFileSync(
    config,
    `apiVersion: rampart/v1
kind: Config
listen: { host: 127.0.0.1, port: ${port} }
specsDir: ${dir}
store: { url: "sqlite:${join(dir, 'rampart.db')}" }
apiTokens:
  - { name: ci, role: operator, tokenEnv: RAMPART_OPERATOR_TOKEN }
`,
  );
  return config;
}
