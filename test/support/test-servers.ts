import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the servers and tools that integration and end-to-end tests run are found. Tests and the
 * preflight check both look here, so a path changes in one place only.
 */

/** The file-system questions a lookup asks; injected so the lookups are testable without the servers. */
export interface FileProbe {
  isExecutable(path: string): boolean;
  exists(path: string): boolean;
  /** Entries of `dir`, or none when it does not exist. */
  list(dir: string): string[];
}

export const hostProbe: FileProbe = {
  isExecutable(path) {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
  exists: existsSync,
  list: (dir) => (existsSync(dir) ? readdirSync(dir) : []),
};

export type Env = Readonly<Record<string, string | undefined>>;

/** The one command that installs every server below (and runs every test suite). */
export const SETUP_COMMAND = 'npm run test:all';

export const unleashServerDir = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../servers/unleash-server',
);

interface TestServer {
  /** Shown in messages. */
  readonly name: string;
  /** How to install it by hand. */
  readonly install: string;
  /** Overrides the lookup when set. */
  readonly envVar?: string;
  /** Path of the binary (or folder), undefined when it is not there. */
  find(env: Env, probe: FileProbe): string | undefined;
}

function debian(pkg: string): string {
  return `Debian package \`${pkg}\` (apt-get install -y --no-install-recommends ${pkg})`;
}

/** `$envVar` when set, else the first executable `name` on PATH. */
function onPath(name: string, envVar: string, pkg: string): TestServer {
  return {
    name,
    install: debian(pkg),
    envVar,
    find(env, probe) {
      const fromEnv = env[envVar];
      const candidates = fromEnv ? [fromEnv] : (env.PATH ?? '').split(delimiter).map((d) => join(d, name));
      return candidates.find((c) => c !== '' && probe.isExecutable(c));
    },
  };
}

export const TEST_SERVERS = {
  postgres: {
    name: 'PostgreSQL server (initdb, postgres)',
    install: debian('postgresql'),
    envVar: 'PG_BIN',
    // $PG_BIN, else the newest /usr/lib/postgresql/<major>/bin, where Debian puts the server binaries.
    find(env, probe) {
      const root = '/usr/lib/postgresql';
      const majors = probe
        .list(root)
        .filter((d) => /^\d+$/.test(d))
        .sort((a, b) => Number(b) - Number(a));
      const dirs = env.PG_BIN ? [env.PG_BIN] : majors.map((m) => join(root, m, 'bin'));
      return dirs.find((d) => ['initdb', 'postgres'].every((b) => probe.isExecutable(join(d, b))));
    },
  },
  prometheus: onPath('prometheus', 'PROMETHEUS_BIN', 'prometheus'),
  promtool: onPath('promtool', 'PROMTOOL_BIN', 'prometheus'),
  alertmanager: onPath('prometheus-alertmanager', 'ALERTMANAGER_BIN', 'prometheus-alertmanager'),
  amtool: onPath('amtool', 'AMTOOL_BIN', 'prometheus-alertmanager'),
  chromium: {
    name: 'chromium',
    install: debian('chromium'),
    find: (_env, probe) => ['/usr/bin/chromium'].find((p) => probe.isExecutable(p)),
  },
  unleashServer: {
    name: 'unleash-server 7.4.1',
    install: '`npm ci --prefix servers/unleash-server` from the repository root',
    find(_env, probe) {
      return probe.exists(join(unleashServerDir, 'node_modules', 'unleash-server'))
        ? unleashServerDir
        : undefined;
    },
  },
} as const satisfies Record<string, TestServer>;

export type TestServerId = keyof typeof TEST_SERVERS;

/** What each vitest project that runs servers needs; checked once before its first test. */
export const PROJECT_SERVERS: Readonly<Record<string, readonly TestServerId[]>> = {
  integration: ['postgres', 'unleashServer', 'prometheus', 'promtool', 'amtool'],
  e2e: ['postgres', 'unleashServer', 'prometheus', 'alertmanager', 'chromium'],
  attack: ['postgres'],
};

function howToInstall(server: TestServer): string {
  const override = server.envVar ? `, or set ${server.envVar}` : '';
  return `${server.name}: ${server.install}${override}`;
}

/** The path of a server, or an error saying how to install it. */
export function requireTestServer(id: TestServerId, env: Env = process.env, probe = hostProbe): string {
  const server: TestServer = TEST_SERVERS[id];
  const found = server.find(env, probe);
  if (found === undefined) throw new Error(`not found: ${howToInstall(server)}`);
  return found;
}

/** The servers among `ids` that are not there. */
export function missingTestServers(ids: readonly TestServerId[], env: Env, probe: FileProbe): TestServerId[] {
  return ids.filter((id) => TEST_SERVERS[id].find(env, probe) === undefined);
}

/** One message for everything missing, ending with the one command that installs it all. */
export function missingServersMessage(project: string, missing: readonly TestServerId[]): string {
  return [
    `The ${project} tests need servers that are not installed here:`,
    ...missing.map((id) => `  - ${howToInstall(TEST_SERVERS[id])}`),
    `Install them all and run every test suite with one command: ${SETUP_COMMAND}`,
    '(Debian; apt-get runs as root or through sudo. `npm run test:setup` only installs.)',
  ].join('\n');
}
