import { type MetricValue, Registry } from 'prom-client';
import { InMemStorageProvider, Unleash, UnleashEvents } from 'unleash-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { flexibleRolloutEnabled } from '../../../src/flag-backends/stickiness-hash.js';
import { InMemoryClientFeatureSource } from '../../support/in-memory-client-feature-source.js';
import { type ServedClientApi, serveClientApi } from '../../support/serve-client-api.js';

const TOKEN = 'default:production.sdk-test-token';
const REFRESH_MS = 250;
const FLAG = 'mfa-staff-login';
const USERS = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);

let api: ServedClientApi;
let baseUrl: string;
const source = new InMemoryClientFeatureSource();
const registry = new Registry();
const clients: Unleash[] = [];
type Mode = ConstructorParameters<typeof Unleash>[0]['experimentalMode'];

beforeAll(async () => {
  api = await serveClientApi({ source, tokens: [TOKEN], registry });
  baseUrl = api.url;
});

afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

afterAll(async () => {
  await api.close();
});

/** The unmodified SDK, pointed at rampart, synchronised once. */
async function sdk(
  extra: { metricsInterval?: number; disableMetrics?: boolean; experimentalMode?: Mode } = {},
): Promise<Unleash> {
  const client = new Unleash({
    appName: 'login-service',
    url: baseUrl,
    customHeaders: { Authorization: TOKEN },
    refreshInterval: REFRESH_MS,
    disableMetrics: extra.disableMetrics ?? true,
    metricsInterval: extra.metricsInterval ?? 60_000,
    storageProvider: new InMemStorageProvider(),
    skipInstanceCountWarning: true,
    ...(extra.experimentalMode ? { experimentalMode: extra.experimentalMode } : {}),
  });
  clients.push(client);
  client.on(UnleashEvents.Error, () => {});
  await new Promise<void>((resolve) => client.once(UnleashEvents.Synchronized, () => resolve()));
  return client;
}

function enabledUsers(client: Unleash): Set<string> {
  return new Set(USERS.filter((userId) => client.isEnabled(FLAG, { userId })));
}

describe('unleash-client 6 against rampart client API', () => {
  it('turns on 25 +/- 1.5 % of 10,000 users at 25 %, exactly the users rampart’s hash predicts', async () => {
    source.set({ name: FLAG, percentage: 25 });
    const client = await sdk();
    const on = enabledUsers(client);
    const share = (on.size / USERS.length) * 100;
    expect(share).toBeGreaterThanOrEqual(23.5);
    expect(share).toBeLessThanOrEqual(26.5);
    const predicted = USERS.filter((userId) =>
      flexibleRolloutEnabled({ rollout: '25', stickiness: 'userId', groupId: FLAG }, { userId }, FLAG),
    );
    expect([...on]).toEqual(predicted);
  });

  it('keeps users enabled at 5 % enabled at 25 % (monotone ramp)', async () => {
    source.set({ name: FLAG, percentage: 5 });
    const client = await sdk();
    const at5 = enabledUsers(client);
    expect(at5.size).toBeGreaterThan(300);
    source.set({ name: FLAG, percentage: 25 });
    await new Promise<void>((resolve) => client.once(UnleashEvents.Changed, () => resolve()));
    const at25 = enabledUsers(client);
    expect(at25.size).toBeGreaterThan(at5.size);
    for (const user of at5) expect(at25.has(user)).toBe(true);
  });

  it('keeps a user without userId off, even at 100 %', async () => {
    source.set({ name: FLAG, percentage: 100 });
    const client = await sdk();
    expect(client.isEnabled(FLAG, { userId: 'someone' })).toBe(true);
    expect(client.isEnabled(FLAG, {})).toBe(false);
    expect(client.isEnabled(FLAG, { sessionId: 'abc' })).toBe(false);
  });

  it('sees a change on its next poll, within one refresh interval', async () => {
    source.set({ name: FLAG, percentage: 100 });
    const client = await sdk();
    expect(client.isEnabled(FLAG, { userId: 'u1' })).toBe(true);
    // Polls without a change are answered 304 (the SDK sends the ETag back).
    await new Promise<void>((resolve) => client.once(UnleashEvents.Unchanged, () => resolve()));
    const fetchesBefore = source.snapshots;
    source.set({ name: FLAG, enabled: false, percentage: 100 });
    await new Promise<void>((resolve) => client.once(UnleashEvents.Changed, () => resolve()));
    // The first poll after the change already carried it: seen within one refresh interval.
    expect(source.snapshots - fetchesBefore).toBe(1);
    expect(client.isEnabled(FLAG, { userId: 'u1' })).toBe(false);
  });

  it('in delta polling mode reads the flags from /api/client/delta and sees a change', async () => {
    source.set({ name: FLAG, percentage: 100 });
    const client = await sdk({ experimentalMode: { type: 'polling', format: 'delta' } });
    expect(client.isEnabled(FLAG, { userId: 'u1' })).toBe(true);
    source.set({ name: FLAG, enabled: false, percentage: 100 });
    await new Promise<void>((resolve) => client.once(UnleashEvents.Changed, () => resolve()));
    expect(client.isEnabled(FLAG, { userId: 'u1' })).toBe(false);
    const requests =
      (await registry.getSingleMetric('rampart_client_api_requests_total')?.get())?.values ?? [];
    expect(requests).toEqual(
      expect.arrayContaining([expect.objectContaining({ labels: { endpoint: '/delta', status: '200' } })]),
    );
  });

  it('registers and reports its evaluations, which rampart counts', async () => {
    source.set({ name: FLAG, percentage: 25 });
    const client = await sdk({ disableMetrics: false, metricsInterval: 200 });
    const on = enabledUsers(client).size;
    const counter = registry.getSingleMetric('rampart_client_flag_evaluations_total');
    const deadline = Date.now() + 10_000;
    let values: MetricValue<string>[] = [];
    while (Date.now() < deadline) {
      values = counter ? (await counter.get()).values : [];
      if (values.length >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(values).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ labels: { flag: FLAG, enabled: 'true' }, value: on }),
        expect.objectContaining({ labels: { flag: FLAG, enabled: 'false' }, value: USERS.length - on }),
      ]),
    );
    const requests =
      (await registry.getSingleMetric('rampart_client_api_requests_total')?.get())?.values ?? [];
    expect(requests).toEqual(
      expect.arrayContaining([expect.objectContaining({ labels: { endpoint: '/register', status: '202' } })]),
    );
  });
});
