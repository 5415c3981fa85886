import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { InMemStorageProvider, Unleash, UnleashEvents } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFeatureSourceFromFlags } from '../../../src/flag-backends/client-feature-source.js';
import { EmbeddedFlagBackend } from '../../../src/flag-backends/embedded/embedded-flag-backend.js';
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
});
