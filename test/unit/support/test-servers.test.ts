import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type FileProbe,
  missingServersMessage,
  missingTestServers,
  PROJECT_SERVERS,
  requireTestServer,
  SETUP_COMMAND,
  TEST_SERVERS,
  type TestServerId,
  unleashServerDir,
} from '../../support/test-servers.js';

/** A file system holding exactly `files` (all executable); folders are implied by the paths. */
function fakeFs(files: string[]): FileProbe {
  return {
    isExecutable: (p) => files.includes(p),
    exists: (p) => files.some((f) => f === p || f.startsWith(`${p}/`)),
    list: (dir) => [
      ...new Set(
        files.filter((f) => f.startsWith(`${dir}/`)).map((f) => f.slice(dir.length + 1).split('/')[0] ?? ''),
      ),
    ],
  };
}

const EVERYTHING = [
  '/usr/lib/postgresql/15/bin/initdb',
  '/usr/lib/postgresql/15/bin/postgres',
  '/usr/bin/prometheus',
  '/usr/bin/promtool',
  '/usr/bin/prometheus-alertmanager',
  '/usr/bin/amtool',
  '/usr/bin/chromium',
  join(unleashServerDir, 'node_modules', 'unleash-server', 'package.json'),
];
const env = { PATH: '/usr/local/bin:/usr/bin' };
const all = Object.keys(TEST_SERVERS) as TestServerId[];

describe('test servers preflight', () => {
  it('finds nothing missing when every server is installed', () => {
    expect(missingTestServers(all, env, fakeFs(EVERYTHING))).toEqual([]);
  });

  it('lists everything missing in one message ending with the one setup command', () => {
    const missing = missingTestServers(PROJECT_SERVERS.integration ?? [], env, fakeFs([]));
    expect(missing).toEqual(['postgres', 'unleashServer', 'prometheus', 'promtool', 'amtool']);
    const lines = missingServersMessage('integration', missing).split('\n');
    expect(lines[0]).toBe('The integration tests need servers that are not installed here:');
    expect(lines.filter((l) => l.startsWith('  - '))).toHaveLength(missing.length);
    expect(lines.join('\n')).toContain('npm ci --prefix servers/unleash-server');
    expect(lines.at(-2)).toContain(SETUP_COMMAND);
  });

  it('names only what is missing', () => {
    const files = EVERYTHING.filter((f) => !f.endsWith('/amtool') && !f.endsWith('/chromium'));
    expect(missingTestServers(PROJECT_SERVERS.e2e ?? [], env, fakeFs(files))).toEqual(['chromium']);
    expect(missingTestServers(PROJECT_SERVERS.integration ?? [], env, fakeFs(files))).toEqual(['amtool']);
  });

  it('takes the newest PostgreSQL major that has initdb and postgres, or $PG_BIN', () => {
    const fs = fakeFs([
      ...EVERYTHING,
      '/usr/lib/postgresql/17/bin/psql',
      '/usr/lib/postgresql/16/bin/initdb',
      '/usr/lib/postgresql/16/bin/postgres',
    ]);
    expect(requireTestServer('postgres', env, fs)).toBe('/usr/lib/postgresql/16/bin');
    expect(() => requireTestServer('postgres', { ...env, PG_BIN: '/opt/pg' }, fs)).toThrow(/set PG_BIN/);
    const withOpt = fakeFs([...EVERYTHING, '/opt/pg/initdb', '/opt/pg/postgres']);
    expect(requireTestServer('postgres', { ...env, PG_BIN: '/opt/pg' }, withOpt)).toBe('/opt/pg');
  });

  it('searches PATH in order unless the environment variable names the binary', () => {
    const fs = fakeFs([...EVERYTHING, '/usr/local/bin/promtool', '/opt/promtool']);
    expect(requireTestServer('promtool', env, fs)).toBe('/usr/local/bin/promtool');
    expect(requireTestServer('promtool', { ...env, PROMTOOL_BIN: '/opt/promtool' }, fs)).toBe(
      '/opt/promtool',
    );
    expect(() => requireTestServer('amtool', { PATH: '/nowhere' }, fs)).toThrow(
      'not found: amtool: Debian package `prometheus-alertmanager`',
    );
  });

  it('installs every Debian package it names through the setup script', () => {
    const script = readFileSync('scripts/setup-test-deps.sh', 'utf8');
    const listed = /^APT_PACKAGES=\(([^)]*)\)/m.exec(script)?.[1]?.split(/\s+/) ?? [];
    const named = Object.values(TEST_SERVERS).flatMap(
      (s) => /Debian package `([^`]+)`/.exec(s.install)?.[1] ?? [],
    );
    expect(named.length).toBeGreaterThan(0);
    for (const pkg of named) expect(listed).toContain(pkg);
  });
});
