import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { InMemStorageProvider, Unleash, UnleashEvents } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFeatureSourceFromFlags } from '../../../src/flag-backends/client-feature-source.js';
import { EmbeddedFlagBackend } from '../../../src/flag-backends/embedded/embedded-flag-backend.js';
import { constraintsMatch } from '../../../src/flag-backends/evaluate-constraints.js';
import { flexibleRolloutEnabled } from '../../../src/flag-backends/stickiness-hash.js';
import { errorHandler } from '../../../src/http/error-handler.js';
import { createClientApiRouter } from '../../../src/http/routes/client-api.js';
import { flagRefSchema } from '../../../src/rollout-spec/rollout-spec-schema.js';
import { openSqliteStore } from '../../../src/store/open-sqlite-store.js';
import type { SqlStore } from '../../../src/store/sql-store.js';
import { systemClock } from '../../../src/time/clock.js';

const TOKEN = 'default:production.embedded-e2e';
const flag = flagRefSchema.parse({ backend: 'embedded', name: 'mfa-staff-login' });
const users = Array.from({ length: 10_000 }, (_, i) => `staff-${i}`);

let store: SqlStore;
let server: Server;
let client: Unleash;
let backend: EmbeddedFlagBackend;

beforeAll(async () => {
  store = await openSqliteStore({ path: ':memory:' });
  backend = new EmbeddedFlagBackend(store.flags, systemClock);
  await backend.setPercentage(flag, 5);
  const app = express();
  app.use(
    createClientApiRouter({
      source: clientFeatureSourceFromFlags(store.flags),
      tokens: [TOKEN],
      registry: new Registry(),
    }),
  );
  app.use(errorHandler(pino({ enabled: false })));
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  client = new Unleash({
    appName: 'login-service',
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    customHeaders: { Authorization: TOKEN },
    refreshInterval: 200,
    disableMetrics: true,
    storageProvider: new InMemStorageProvider(),
    skipInstanceCountWarning: true,
  });
  client.on(UnleashEvents.Error, () => {});
  await new Promise<void>((resolve) => client.once(UnleashEvents.Synchronized, () => resolve()));
});

afterAll(async () => {
  client?.destroy();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await store?.close();
});

const changed = () => new Promise<void>((resolve) => client.once(UnleashEvents.Changed, () => resolve()));
const share = () => users.filter((userId) => client.isEnabled(flag.name, { userId })).length / users.length;

describe('embedded backend -> store -> client API -> unleash-client', () => {
  it('serves what the embedded backend writes: ramp 5 -> 25, then the kill switch', async () => {
    expect(share()).toBeGreaterThan(0.035);
    expect(share()).toBeLessThan(0.065);
    const next = changed();
    await backend.setPercentage(flag, 25);
    await next;
    expect(Math.abs(share() - 0.25)).toBeLessThanOrEqual(0.015);
    const off = changed();
    await backend.disable(flag);
    await off;
    expect(share()).toBe(0);
  });

  it('serves the scope: the SDK evaluates the constraints exactly as rampart’s evaluator does', async () => {
    const scoped = flagRefSchema.parse({
      backend: 'embedded',
      name: 'scoped-login',
      constraints: [
        { contextName: 'accountType', operator: 'IN', values: ['staff'] },
        { contextName: 'email', operator: 'STR_ENDS_WITH', values: ['@EXAMPLE.org'], caseInsensitive: true },
        { contextName: 'appVersion', operator: 'SEMVER_LT', value: '3.0.0' },
        { contextName: 'tenant', operator: 'NUM_GTE', value: '10', inverted: true },
        { contextName: 'currentTime', operator: 'DATE_AFTER', value: '2020-01-01T00:00:00Z' },
      ],
    });
    const next = changed();
    await backend.setPercentage(scoped, 100);
    await next;
    const contexts = [
      {
        userId: 'a',
        properties: { accountType: 'staff', email: 'a@example.org', appVersion: '2.9.0', tenant: '3' },
      },
      { userId: 'b', properties: { accountType: 'customer', email: 'b@example.org', appVersion: '2.9.0' } },
      { userId: 'c', properties: { accountType: 'staff', email: 'c@other.org', appVersion: '2.9.0' } },
      { userId: 'd', properties: { accountType: 'staff', email: 'd@example.org', appVersion: '3.0.0' } },
      {
        userId: 'e',
        properties: { accountType: 'staff', email: 'e@example.org', appVersion: '1.0.0', tenant: '10' },
      },
      { userId: 'f', properties: { accountType: 'staff', email: 'F@Example.Org', appVersion: '1.0.0-rc.1' } },
    ];
    const sdk = contexts.map((ctx) => client.isEnabled(scoped.name, ctx));
    expect(sdk).toEqual([true, false, false, false, false, true]);
    const ours = contexts.map((ctx) => constraintsMatch(scoped.constraints ?? [], ctx, new Date()));
    expect(ours).toEqual(sdk);

    // Scope and percentage together: only staff, and of them the hashed 25 %.
    const staffAt25 = changed();
    await backend.setPercentage(
      {
        ...scoped,
        constraints: [
          {
            contextName: 'accountType',
            operator: 'IN',
            values: ['staff'],
            inverted: false,
            caseInsensitive: false,
          },
        ],
      },
      25,
    );
    await staffAt25;
    const ids = users.slice(0, 2000);
    const staff = ids.filter((userId) =>
      client.isEnabled(scoped.name, { userId, properties: { accountType: 'staff' } }),
    );
    const params = { rollout: '25', stickiness: 'userId', groupId: scoped.name };
    expect(staff).toEqual(ids.filter((userId) => flexibleRolloutEnabled(params, { userId }, scoped.name)));
    expect(
      ids.filter((userId) =>
        client.isEnabled(scoped.name, { userId, properties: { accountType: 'customer' } }),
      ),
    ).toEqual([]);
  });
});
