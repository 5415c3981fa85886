/**
 * Secret scan: a `rampart run` on PostgreSQL with every secret kind configured (API tokens, the
 * store password, the Unleash admin token of an unreachable Unleash, the client token, the
 * notifier's webhook URL) is driven through each path that uses one: failed and refused
 * authentication, commands that notify, alerts, the client API, an Unleash backend that fails, the
 * read-only endpoints. No secret may appear in an answer, a log line or the database's files.
 * Start-ups that fail on a store URL carrying a password must not print it either.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/free-port.js';
import { type PostgresServer, startPostgres } from '../support/postgres.js';
import { type AttackDaemon, rolloutSpec, runUntilExit, startAttackDaemon } from './support/attack-daemon.js';
import { ATTACK_SECRETS, secretsIn } from './support/attack-secrets.js';
import { RecordingClient, startWebhookSink } from './support/recording-client.js';
import { alertPost } from './support/valid-bodies.js';

let pg: PostgresServer;
let sink: Awaited<ReturnType<typeof startWebhookSink>>;
let daemon: AttackDaemon;
let client: RecordingClient;

beforeAll(async () => {
  pg = await startPostgres();
  sink = await startWebhookSink();
  const unleash = rolloutSpec('via-unleash').replace('backend: embedded', 'backend: unleash');
  daemon = await startAttackDaemon({
    webhookSink: sink.url,
    postgresUrl: await pg.createDatabase('rampart'),
    specs: { 'via-unleash.yaml': unleash },
  });
  client = new RecordingClient(daemon.url);
  // On PostgreSQL the replica registers its rollouts once it leads.
  await waitFor(
    'rollouts registered',
    async () => (await client.as('viewer', 'GET', '/api/rollouts/via-unleash')).status === 200,
    30_000,
  );
}, 120_000);

afterAll(async () => {
  await daemon?.dispose();
  await sink?.close();
  await pg?.stop();
});

/** Every file under `dir`, for a raw byte scan. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    const info = statSync(path, { throwIfNoEntry: false });
    if (!info) return [];
    return info.isDirectory() ? filesUnder(path) : info.isFile() ? [path] : [];
  });
}

describe('secret scan', () => {
  it('finds no secret in answers, logs or database files after every path that uses one', async () => {
    for (const token of [undefined, 'wrong-token', ATTACK_SECRETS.client]) {
      await client.send('GET', '/api/rollouts', { token });
    }
    await client.send('GET', '/api/client/features', { headers: { Authorization: ATTACK_SECRETS.admin } });
    await client.as('viewer', 'POST', '/api/rollouts/mfa-staff/pause', { reason: 'no' });
    for (const kind of ['start', 'pause', 'resume', 'rollback']) {
      expect(
        (await client.as('operator', 'POST', `/api/rollouts/mfa-staff/${kind}`, { reason: kind })).status,
      ).toBe(202);
    }
    await client.as('operator', 'POST', '/api/rollouts/checkout/start', { reason: 'go' });
    await client.as('alertmanager', 'POST', '/api/alerts/alertmanager', alertPost('checkout', 'fp-scan'));
    // The Unleash backend is unreachable: its errors go to logs, /readyz and the rollout's view.
    await client.as('operator', 'POST', '/api/rollouts/via-unleash/start', { reason: 'go' });
    await new Promise((r) => setTimeout(r, 2_000));
    await client.as('admin', 'GET', '/api/rollouts/via-unleash');
    await client.as('admin', 'GET', '/api/rollouts/via-unleash/audit');
    const clientToken = { headers: { Authorization: ATTACK_SECRETS.client } };
    await client.send('GET', '/api/client/features', clientToken);
    await client.send('POST', '/api/client/register', { ...clientToken, body: '{"appName":"scan"}' });
    for (const path of ['/readyz', '/metrics', '/api/openapi.json', '/', '/healthz'])
      await client.send('GET', path);
    // The notifier really used its webhook URL (so its absence from the logs means something).
    expect(sink.posts()).toBeGreaterThan(0);

    expect(client.leaks).toEqual([]);
    expect(secretsIn(daemon.logs())).toEqual([]);
    const files = filesUnder(pg.dataDir);
    expect(files.length).toBeGreaterThan(100);
    const hits = files.flatMap((f) => secretsIn(readFileSync(f, 'latin1')).map((s) => `${f}: ${s}`));
    expect(hits).toEqual([]);
    console.info(
      `secret scan: ${client.requests} answers, ${daemon.logs().length} bytes of logs, ${files.length} database files: 0 secrets`,
    );
  });

  it('prints no store password when a start-up fails on the store URL', async () => {
    const password = ATTACK_SECRETS.store;
    const cases: [string, Record<string, string>][] = [
      [`postgres://rampart:${password}@127.0.0.1:1/rampart`, {}],
      [`postgres://127.0.0.1:1/rampart?password=${password}`, {}],
      [`postgres://rampart:${password}@[127.0.0.1:1/rampart`, {}],
      ['sqlite:./never.db', { RAMPART_STORE_URL: `postgres://rampart:${password}@127.0.0.1:1/rampart` }],
    ];
    for (const [url, env] of cases) {
      const { code, output } = await runUntilExit(url, env);
      expect(code, `${output.slice(0, 300)}`).not.toBe(0);
      expect(output.length).toBeGreaterThan(0);
      expect(secretsIn(output), output.slice(0, 500)).toEqual([]);
    }
  });
});
