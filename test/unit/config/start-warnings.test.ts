import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/parse-config.js';
import { resolveConfig } from '../../../src/config/resolve-config.js';
import { startRampart } from '../../../src/main.js';
import { openSqliteStore } from '../../../src/store/open-sqlite-store.js';
import { createLogger } from '../../../src/telemetry/create-logger.js';

describe('startRampart', () => {
  it('logs each configuration warning once, at start, without the token', async () => {
    const text =
      'apiVersion: rampart/v1\nkind: Config\nlisten: { host: 0.0.0.0, port: 0 }\n' +
      'apiTokens: [{ name: ops, role: operator, tokenEnv: OPS }]\n';
    const parsed = parseConfig(text, 'rampart.yaml');
    if (!parsed.ok) throw parsed.error;
    const runtime = resolveConfig(parsed.value, { OPS: 'abc123' });
    if (!runtime.ok) throw runtime.error;
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    // The warnings were made from 0.0.0.0; the test itself binds loopback only.
    const running = await startRampart({
      runtime: { ...runtime.value, listen: { host: '127.0.0.1', port: 0, trustedProxies: [] } },
      logger: createLogger({ level: 'info', destination }),
      specs: [],
      openStore: () => openSqliteStore({ path: ':memory:' }),
      statusPage: false,
    });
    await running.close();
    const warnings = lines
      .map((l) => JSON.parse(l) as { level: number; msg: string })
      .filter((l) => l.level === 40 && l.msg.startsWith('configuration: '));
    expect(warnings.map((w) => w.msg)).toEqual([
      expect.stringMatching(/^configuration: listen\.host 0\.0\.0\.0 accepts connections from the network/),
      'configuration: apiTokens[0] (ops): the token from environment variable OPS has 6 characters; use at least 16 (e.g. openssl rand -hex 32)',
    ]);
    expect(lines.join('')).not.toContain('abc123');
  });
});
