import { randomBytes } from 'node:crypto';
import { InMemStorageProvider, Unleash, UnleashEvents } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type UsageBucket, usageBetween } from '../../../src/flag-backends/fleet/unleash-usage-evidence.js';
import { HttpUnleashAdminApi } from '../../../src/flag-backends/unleash/http-unleash-admin-api.js';
import { UnleashFlagBackend } from '../../../src/flag-backends/unleash/unleash-flag-backend.js';
import { flagRefSchema } from '../../../src/rollout-spec/rollout-spec-schema.js';
import { startUnleashServer, type UnleashServer, unleashAdmin } from '../../support/unleash-server.js';

/**
 * What Unleash 7.4.1's Admin API tells about a rollback from the SDKs' own reports: per application
 * and hour, yes/no counts (GET /api/admin/client-metrics/features/:name/raw). The real SDK reports
 * every second here; Unleash writes reports every 5 s.
 */
let unleash: UnleashServer;
let api: HttpUnleashAdminApi;

beforeAll(async () => {
  unleash = await startUnleashServer();
  api = new HttpUnleashAdminApi({ url: unleash.url, token: unleash.adminToken, tokenSource: 'test' });
}, 240_000);

afterAll(async () => {
  await unleash?.stop();
});

const sum = (buckets: UsageBucket[], app: string) =>
  buckets
    .filter((b) => b.appName === app && b.environment === 'development')
    .reduce((t, b) => ({ yes: t.yes + b.yes, no: t.no + b.no }), { yes: 0, no: 0 });

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('Unleash client metrics after a rollback', () => {
  it('show per application that the SDK evaluated only off after it, without naming instances', async () => {
    const flag = flagRefSchema.parse({
      backend: 'unleash',
      name: `it-metrics-${randomBytes(4).toString('hex')}`,
      environment: 'development',
    });
    const backend = new UnleashFlagBackend(api);
    await backend.setPercentage(flag, 100);
    const app = `login-${randomBytes(3).toString('hex')}`;
    const client = new Unleash({
      appName: app,
      url: `${unleash.url}/api/`,
      customHeaders: { Authorization: unleash.backendToken },
      refreshInterval: 200,
      metricsInterval: 1000,
      storageProvider: new InMemStorageProvider(),
      skipInstanceCountWarning: true,
    });
    try {
      client.on(UnleashEvents.Error, () => {});
      await new Promise<void>((resolve) => client.once(UnleashEvents.Synchronized, () => resolve()));
      for (let i = 0; i < 50; i++) expect(client.isEnabled(flag.name, { userId: `u${i}` })).toBe(true);
      const on = await until(
        () => api.featureUsage(flag.name, 2),
        (b) => sum(b, app).yes === 50,
      );
      expect(sum(on, app)).toEqual({ yes: 50, no: 0 });
      expect(on.every((b) => b.timestamp.getUTCMinutes() === 0 && b.timestamp.getUTCSeconds() === 0)).toBe(
        true,
      );

      await backend.disable(flag);
      await new Promise<void>((resolve) => client.once(UnleashEvents.Changed, () => resolve()));
      const beforeAt = new Date();
      for (let i = 0; i < 30; i++) expect(client.isEnabled(flag.name, { userId: `u${i}` })).toBe(false);
      const off = await until(
        () => api.featureUsage(flag.name, 2),
        (b) => sum(b, app).no === 30,
      );
      expect(usageBetween(on, off, 'development', beforeAt)).toEqual([{ appName: app, yes: 0, no: 30 }]);
      // Unleash's own answers: hourly sums per application; nothing names an instance or a revision.
      const raw = (await unleashAdmin(
        unleash,
        'GET',
        `client-metrics/features/${flag.name}/raw?hoursBack=2`,
      )) as {
        data: Record<string, unknown>[];
      };
      expect(Object.keys(raw.data[0] ?? {}).sort()).toEqual([
        'appName',
        'environment',
        'featureName',
        'no',
        'timestamp',
        'yes',
      ]);
      const summary = (await unleashAdmin(unleash, 'GET', `client-metrics/features/${flag.name}`)) as Record<
        string,
        unknown
      >;
      expect(summary).toMatchObject({
        featureName: flag.name,
        lastHourUsage: [expect.objectContaining({ environment: 'development', yes: 50, no: 30 })],
        seenApplications: [app],
      });
    } finally {
      client.destroy();
    }
  }, 90_000);
});
