import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/parse-config.js';

// Issue 19, item 3: every way a store URL with a password reached a start-up error. Each test fails
// if the secret string appears anywhere in the message.

const HEAD = 'apiVersion: rampart/v1\nkind: Config\n';
const SECRET = 's3cr3t-Pa55';

function errorOf(text: string, env: Record<string, string> = {}): string {
  const result = parseConfig(HEAD + text, 'rampart.yaml', env);
  if (result.ok) throw new Error('expected the configuration to be refused');
  return result.error.message;
}

describe('store URLs with a password', () => {
  it('refuses ?password= in the query, naming the parameter and not the value', () => {
    const message = errorOf(`store: { url: "postgres://rampart@db:5432/rampart?password=${SECRET}" }\n`);
    expect(message).toBe(
      'rampart.yaml:3:15: store.url: must not contain a password= parameter; use store.passwordEnv or store.passwordFile',
    );
    expect(message).not.toContain(SECRET);
  });

  it('refuses ?sslpassword= and a password written with another case', () => {
    for (const param of ['sslpassword', 'PASSWORD']) {
      const message = errorOf(
        `store: { url: "postgres://rampart@db/rampart?sslmode=require&${param}=${SECRET}" }\n`,
      );
      expect(message).toContain(`must not contain a ${param}= parameter`);
      expect(message).not.toContain(SECRET);
    }
  });

  it('refuses a password in the userinfo without echoing it', () => {
    const message = errorOf(`store: { url: "postgres://rampart:${SECRET}@db/rampart" }\n`);
    expect(message).toContain('must not contain a password');
    expect(message).not.toContain(SECRET);
  });

  it('does not echo an unparseable URL with a password', () => {
    const message = errorOf(`store: { url: "postgres://rampart:${SECRET}@db:port/rampart" }\n`);
    expect(message).toBe(
      'rampart.yaml:3:15: store.url: "postgres://***@db:port/rampart" is not a valid postgres:// URL',
    );
  });

  it('does not echo a password under an unknown scheme, even when the URL is long enough to be cut', () => {
    const message = errorOf(`store: { url: "mysql://a-rather-long-user-name-for-the-cut:${SECRET}@db/x" }\n`);
    expect(message).toContain('is not allowed; expected sqlite:PATH or postgres://');
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain(SECRET.slice(0, 4));
  });

  it('does not echo RAMPART_STORE_URL, in any of these forms', () => {
    for (const url of [
      `postgres://rampart@db/rampart?password=${SECRET}`,
      `postgres://rampart:${SECRET}@db/rampart`,
      `postgres://rampart:${SECRET}@db:nope/rampart`,
      `postgres://rampart:${SECRET}`,
    ]) {
      const message = errorOf('', { RAMPART_STORE_URL: url });
      expect(message).toMatch(/^environment variable RAMPART_STORE_URL: store\.url: /);
      expect(message).not.toContain(SECRET);
    }
  });

  it('hides URL credentials in schema messages too (a Prometheus URL that is not http)', () => {
    const message = errorOf('', {
      RAMPART_PROMETHEUS_URL: `ftp://admin:${SECRET}@prom:9090/?token=${SECRET}`,
    });
    expect(message).toContain('metricSource.url: "ftp://admin:***@prom:9090/?token=***"');
    expect(message).not.toContain(SECRET);
  });
});
