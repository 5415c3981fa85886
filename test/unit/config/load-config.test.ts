import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { parseConfig } from '../../../src/config/parse-config.js';
import { resolveConfig } from '../../../src/config/resolve-config.js';
import { resolveSecret } from '../../../src/config/resolve-secret.js';

describe('loadConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the file named by RAMPART_CONFIG and applies overrides', async () => {
    const path = join(dir, 'r.yaml');
    writeFileSync(path, 'apiVersion: rampart/v1\nkind: Config\nlisten: { port: 9000 }\n');
    const result = await loadConfig({ env: { RAMPART_CONFIG: path, RAMPART_HOST: '0.0.0.0' } });
    if (!result.ok) throw result.error;
    expect(result.value.listen).toEqual({ host: '0.0.0.0', port: 9000, trustedProxies: [] });
  });

  it('prefers an explicit path and reports one that cannot be read', async () => {
    const result = await loadConfig({ path: join(dir, 'missing.yaml'), env: {} });
    expect(result.ok ? '' : result.error.message).toBe(
      `${join(dir, 'missing.yaml')}: cannot read the configuration (ENOENT)`,
    );
  });

  it('reports issues with the file position', async () => {
    const path = join(dir, 'r.yaml');
    writeFileSync(path, 'apiVersion: rampart/v1\nkind: Config\nspecDir: flags/\n');
    const result = await loadConfig({ path });
    expect(result.ok ? '' : result.error.message).toBe(
      `${path}:3:1: specDir: unknown field "specDir"; did you mean "specsDir"? allowed: apiVersion, kind, listen, publicUrl, specsDir, flagBackends, metricSource, store, apiTokens, notifiers`,
    );
  });
});

describe('resolveSecret', () => {
  it('reads an environment variable', () => {
    expect(resolveSecret({ env: 'TOKEN' }, 'x', { TOKEN: 's3cret' })).toEqual({ ok: true, value: 's3cret' });
  });

  it('reads a file without its trailing newline', () => {
    expect(resolveSecret({ file: '/run/t' }, 'x', {}, () => 's3cret\n')).toEqual({
      ok: true,
      value: 's3cret',
    });
  });

  it('names the missing source and never the value', () => {
    const unset = resolveSecret({ env: 'TOKEN' }, 'flagBackends.unleash.adminToken', {});
    expect(unset.ok ? '' : unset.error.message).toBe(
      'environment variable TOKEN: flagBackends.unleash.adminToken: is not set or empty',
    );
    const unreadable = resolveSecret({ file: '/nope' }, 'store.password', {}, () => {
      throw Object.assign(new Error('gone'), { code: 'ENOENT' });
    });
    expect(unreadable.ok ? '' : unreadable.error.message).toBe(
      '/nope: store.password: cannot be read (ENOENT)',
    );
  });
});

describe('resolveConfig: the Unleash admin token source', () => {
  const yaml = (token: string) =>
    `apiVersion: rampart/v1\nkind: Config\nflagBackends:\n  unleash:\n    type: unleash\n    url: http://127.0.0.1:4242\n    ${token}\n`;

  it.each([
    ['adminTokenFile: /run/secrets/unleash', {}, 'adminTokenFile: /run/secrets/unleash'],
    ['adminTokenEnv: MY_UNLEASH_TOKEN', { MY_UNLEASH_TOKEN: 't' }, 'adminTokenEnv: MY_UNLEASH_TOKEN'],
  ])('names %s as the token source, so a rejected token points at it', (line, env, source) => {
    const parsed = parseConfig(yaml(line), 'rampart.yaml');
    if (!parsed.ok) throw parsed.error;
    const resolved = resolveConfig(parsed.value, env, () => 'file-token\n');
    if (!resolved.ok) throw resolved.error;
    expect(resolved.value.flagBackends.unleash).toMatchObject({ adminTokenSource: source });
    expect(JSON.stringify(resolved.value.flagBackends.unleash)).not.toContain('file-token\\n');
  });
});
