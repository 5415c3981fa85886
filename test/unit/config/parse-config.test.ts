import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_TEXT, parseConfig } from '../../../src/config/parse-config.js';

const HEAD = 'apiVersion: rampart/v1\nkind: Config\n';

function messages(text: string, env = {}): string[] {
  const result = parseConfig(HEAD + text, 'rampart.yaml', env);
  if (result.ok) throw new Error('expected the configuration to be invalid');
  return result.error.message.split('\n');
}

describe('parseConfig', () => {
  it('accepts flags/rampart.example.yaml', () => {
    const result = parseConfig(
      readFileSync('flags/rampart.example.yaml', 'utf8'),
      'flags/rampart.example.yaml',
    );
    if (!result.ok) throw result.error;
    expect(Object.keys(result.value.flagBackends)).toEqual(['embedded', 'unleash']);
    expect(result.value.metricSource).toMatchObject({ type: 'prometheus', concurrency: 16, timeout: 10_000 });
    expect(result.value.apiTokens.map((t) => t.role)).toEqual(['operator', 'viewer', 'alertmanager']);
    expect(result.value.notifiers['release-channel']).toEqual({
      type: 'slack-webhook',
      urlEnv: 'RELEASE_CHANNEL_WEBHOOK_URL',
    });
  });

  it('fills every default', () => {
    const result = parseConfig(DEFAULT_CONFIG_TEXT, 'defaults');
    if (!result.ok) throw result.error;
    expect(result.value).toEqual({
      apiVersion: 'rampart/v1',
      kind: 'Config',
      listen: { host: '127.0.0.1', port: 8080, trustedProxies: [] },
      specsDir: 'flags/',
      flagBackends: { embedded: { type: 'embedded' } },
      metricSource: { type: 'scrape', targets: [], interval: 5000, timeout: 3000, retention: 7_200_000 },
      store: { url: 'sqlite:./data/rampart.db' },
      apiTokens: [],
      notifiers: {},
    });
  });

  it('accepts trusted proxies as addresses and CIDR ranges and names a bad one', () => {
    const ok = parseConfig(
      `${HEAD}listen:\n  trustedProxies: [127.0.0.1, "10.0.0.0/8", "::1"]\n`,
      'rampart.yaml',
    );
    if (!ok.ok) throw ok.error;
    expect(ok.value.listen.trustedProxies).toEqual(['127.0.0.1', '10.0.0.0/8', '::1']);
    expect(messages('listen:\n  trustedProxies: [127.0.0.1, nginx]\n')).toEqual([
      'rampart.yaml:4:31: listen.trustedProxies[1]: "nginx": must be an IP address or a CIDR range, e.g. 127.0.0.1, ::1 or 10.0.0.0/8',
    ]);
  });

  it('names the allowed types of a discriminated entry, with a did-you-mean', () => {
    expect(messages('flagBackends:\n  main: { type: unlesh, url: http://x }\n')).toEqual([
      'rampart.yaml:4:17: flagBackends.main.type: "unlesh" is not allowed; did you mean "unleash"? allowed: "unleash" | "embedded"',
    ]);
  });

  it('suggests field names from the selected branch', () => {
    expect(
      messages('metricSource:\n  type: prometheus\n  url: http://127.0.0.1:9090\n  timeoutMS: 5\n'),
    ).toEqual([
      'rampart.yaml:6:3: metricSource.timeoutMS: unknown field "timeoutMS"; did you mean "timeout"? allowed: type, url, pathPrefix, timeout, retries, concurrency, queue, batchSize, auth',
    ]);
  });

  it('requires exactly one source for each secret', () => {
    expect(
      messages(
        [
          'flagBackends:',
          '  unleash: { type: unleash, url: "http://127.0.0.1:4242/api" }',
          'apiTokens:',
          '  - { name: ci, role: operator, sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08, tokenEnv: CI_TOKEN }',
          '  - { name: ci, role: root, tokenEnv: OTHER }',
          'notifiers:',
          '  chat: { type: slack-webhook }',
          '',
        ].join('\n'),
      ),
    ).toEqual([
      'rampart.yaml:4:12: flagBackends.unleash: an unleash backend needs exactly one of adminTokenEnv | adminTokenFile; found none',
      'rampart.yaml:6:5: apiTokens[0]: an API token needs exactly one of sha256 | tokenEnv | tokenFile; found sha256 and tokenEnv',
      'rampart.yaml:7:13: apiTokens[1].name: "ci" is not allowed; token names must be unique (apiTokens[0] has it)',
      'rampart.yaml:7:23: apiTokens[1].role: "root" is not allowed; allowed: "viewer" | "operator" | "admin" | "alertmanager"',
      'rampart.yaml:9:9: notifiers.chat: a slack-webhook notifier needs exactly one of urlEnv | urlFile; found none',
    ]);
  });

  it('rejects a password inside the store URL without echoing it', () => {
    const lines = messages('store: { url: "postgres://rampart:hunter2@db:5432/rampart" }\n');
    expect(lines).toEqual([
      'rampart.yaml:3:15: store.url: must not contain a password; use store.passwordEnv or store.passwordFile',
    ]);
    expect(lines.join('')).not.toContain('hunter2');
  });

  it('accepts postgres with a password from the environment, rejects unknown schemes', () => {
    expect(
      parseConfig(`${HEAD}store: { url: "postgres://rampart@db/rampart", passwordEnv: PGPASSWORD }\n`, 'x')
        .ok,
    ).toBe(true);
    expect(messages('store: { url: "mysql://db" }\n')).toEqual([
      'rampart.yaml:3:15: store.url: "mysql://db" is not allowed; expected sqlite:PATH or postgres://user@host:port/database',
    ]);
  });

  it('applies RAMPART_* overrides and blames the variable for a bad value', () => {
    const ok = parseConfig(`${HEAD}listen: { port: 9000 }\n`, 'rampart.yaml', {
      RAMPART_PORT: '9100',
      RAMPART_STORE_URL: 'sqlite:/tmp/x.db',
      RAMPART_PROMETHEUS_URL: 'http://127.0.0.1:9091',
    });
    if (!ok.ok) throw ok.error;
    expect(ok.value.listen.port).toBe(9100);
    expect(ok.value.store.url).toBe('sqlite:/tmp/x.db');
    expect(ok.value.metricSource).toMatchObject({ type: 'prometheus', url: 'http://127.0.0.1:9091' });
    expect(messages('', { RAMPART_PORT: 'eighty' })).toEqual([
      'environment variable RAMPART_PORT: listen.port: "eighty" is a string; expected a number',
    ]);
    expect(messages('', { RAMPART_PORT: '70000' })).toEqual([
      'environment variable RAMPART_PORT: listen.port: 70000 is not allowed; must be <= 65535',
    ]);
  });

  it('reports YAML errors and a missing kind like spec files do', () => {
    const result = parseConfig('listen: [\n', 'rampart.yaml');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.issues[0]?.message).toMatch(/^YAML: /);
    const noKind = parseConfig('apiVersion: rampart/v1\n', 'rampart.yaml');
    expect(noKind.ok ? '' : noKind.error.message).toBe('rampart.yaml:1:1: kind: required; allowed: "Config"');
  });
});
