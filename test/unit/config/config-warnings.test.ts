import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/parse-config.js';
import { resolveConfig } from '../../../src/config/resolve-config.js';
import { runCli } from '../cli/run-cli.js';

const HEAD = 'apiVersion: rampart/v1\nkind: Config\n';
const TOKENS = `apiTokens:
  - { name: ops, role: operator, tokenEnv: OPS_TOKEN }
  - { name: am, role: alertmanager, tokenFile: /run/secrets/am }
  - { name: ci, role: viewer, sha256: ${'a'.repeat(64)} }
`;

function warningsOf(text: string, env: Record<string, string>, file = 'alertmanager-token-long-enough\n') {
  const parsed = parseConfig(HEAD + text, 'rampart.yaml');
  if (!parsed.ok) throw parsed.error;
  const resolved = resolveConfig(parsed.value, env, () => file);
  if (!resolved.ok) throw resolved.error;
  return resolved.value.warnings;
}

describe('configuration warnings at start', () => {
  it('says nothing for loopback and tokens of 16 characters or more', () => {
    expect(warningsOf(TOKENS, { OPS_TOKEN: '0123456789abcdef' })).toEqual([]);
  });

  it.each(['0.0.0.0', '::'])('warns that listen.host %s is reachable from the network', (host) => {
    expect(
      warningsOf(`listen: { host: "${host}", port: 9000 }\n${TOKENS}`, { OPS_TOKEN: 'x'.repeat(32) }),
    ).toEqual([
      `listen.host ${host} accepts connections from the network on port 9000, not only from this host; ` +
        'use 127.0.0.1 behind a proxy unless other machines must reach rampart directly',
    ]);
  });

  it('warns that an empty apiTokens lets nobody command rampart (the built-in defaults)', () => {
    expect(warningsOf('', {})).toEqual([
      'apiTokens is empty: nobody can pause, roll back or approve a rollout, and the Alertmanager ' +
        'webhook is refused; add a token (see README "API tokens")',
    ]);
  });

  it('warns about each short token after reading it, naming its source and never the token', () => {
    const warnings = warningsOf(TOKENS, { OPS_TOKEN: 'k' }, 'short-am\n');
    expect(warnings).toEqual([
      'apiTokens[0] (ops): the token from environment variable OPS_TOKEN has 1 character; use at least 16 (e.g. openssl rand -hex 32)',
      'apiTokens[1] (am): the token from file /run/secrets/am has 8 characters; use at least 16 (e.g. openssl rand -hex 32)',
    ]);
    expect(JSON.stringify(warnings)).not.toContain('short-am');
  });
});

describe('rampart validate of a config', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-warn-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the warnings, keeps the file valid, and lists them in --json', async () => {
    const secret = join(dir, 'token');
    writeFileSync(secret, 'tiny-secret\n');
    const file = join(dir, 'rampart.yaml');
    writeFileSync(
      file,
      `${HEAD}listen: { host: 0.0.0.0 }\napiTokens:\n  - { name: ops, role: operator, tokenFile: ${secret} }\n`,
    );
    const text = await runCli(['validate', file]);
    expect(text.code).toBe(0);
    expect(text.out).toContain(
      `  warning: ${file}: listen.host 0.0.0.0 accepts connections from the network`,
    );
    expect(text.out).toContain(
      `  warning: ${file}: apiTokens[0] (ops): the token from file ${secret} has 11 characters; use at least 16`,
    );
    expect(text.out).not.toContain('tiny-secret');
    const json = await runCli(['validate', file, '--json']);
    const report = JSON.parse(json.out) as { valid: boolean; files: { warnings: string[] }[] };
    expect(report.valid).toBe(true);
    expect(report.files[0]?.warnings).toHaveLength(2);
  });
});
