import { Registry } from 'prom-client';
import { InMemStorageProvider, Unleash, UnleashEvents } from 'unleash-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clientFeatureSourceFromFlags } from '../../../src/flag-backends/client-feature-source.js';
import { EmbeddedFlagBackend } from '../../../src/flag-backends/embedded/embedded-flag-backend.js';
import { FlagChangeSignal, signalFlagWrites } from '../../../src/flag-backends/flag-change-signal.js';
import { confirmFleet } from '../../../src/flag-backends/fleet/fleet-confirmation.js';
import { FleetTracker } from '../../../src/flag-backends/fleet/fleet-tracker.js';
import { ClientStreamHub } from '../../../src/http/routes/client-stream-hub.js';
import { flagRefSchema } from '../../../src/rollout-spec/rollout-spec-schema.js';
import { openSqliteStore } from '../../../src/store/open-sqlite-store.js';
import type { SqlStore } from '../../../src/store/sql-store.js';
import { systemClock } from '../../../src/time/clock.js';
import { systemTicker } from '../../../src/time/system-ticker.js';
import { type ServedClientApi, serveClientApi } from '../../support/serve-client-api.js';

const TOKEN = 'default:production.propagation-test';
const flag = flagRefSchema.parse({ backend: 'embedded', name: 'mfa-staff-login' });
type Mode = ConstructorParameters<typeof Unleash>[0]['experimentalMode'];

let store: SqlStore;
let api: ServedClientApi | undefined;
let baseUrl: string;
let backend: EmbeddedFlagBackend;
let streams: ClientStreamHub;
const fleet = new FleetTracker({ clock: systemClock });
const registry = new Registry();
const clients: Unleash[] = [];

beforeAll(async () => {
  store = await openSqliteStore({ path: ':memory:' });
  const signal = new FlagChangeSignal();
  backend = new EmbeddedFlagBackend(signalFlagWrites(store.flags, signal), systemClock);
  const source = clientFeatureSourceFromFlags(store.flags);
  // Revision polling slowed to a minute: a push within the test's wait can only come from the signal.
  streams = new ClientStreamHub(
    source,
    { ticker: systemTicker, changes: signal, maxConnections: 3, heartbeatMs: 100, revisionPollMs: 60_000 },
    registry,
    fleet,
  );
  api = await serveClientApi({ source, tokens: [TOKEN], registry, streams, fleet });
  baseUrl = api.url;
});

afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

afterAll(async () => {
  streams?.close();
  await api?.close();
  await store?.close();
});

async function sdk(instanceId: string, experimentalMode: Mode, refreshInterval = 200): Promise<Unleash> {
  const client = new Unleash({
    appName: 'login-service',
    instanceId,
    url: baseUrl,
    customHeaders: { Authorization: TOKEN },
    refreshInterval,
    disableMetrics: true,
    storageProvider: new InMemStorageProvider(),
    skipInstanceCountWarning: true,
    ...(experimentalMode ? { experimentalMode } : {}),
  });
  clients.push(client);
  client.on(UnleashEvents.Error, () => {});
  client.on(UnleashEvents.Warn, () => {});
  await new Promise<void>((resolve) => client.once(UnleashEvents.Synchronized, () => resolve()));
  return client;
}

const until = async (what: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!what()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('a rollback reaches the real unleash-client in every mode', () => {
  it('polling, delta and streaming SDKs all evaluate off after the rollback; the fleet confirms it', async () => {
    await backend.setPercentage(flag, 100);
    const polling = await sdk('poll-1', undefined);
    const delta = await sdk('delta-1', { type: 'polling', format: 'delta' });
    // Polling every minute: only the stream can bring the change within the wait below.
    const streaming = await sdk('stream-1', { type: 'streaming' }, 60_000);
    for (const c of [polling, delta, streaming]) expect(c.isEnabled(flag.name, { userId: 'u1' })).toBe(true);

    const decidedAt = systemClock.now();
    await backend.disable(flag);
    const revision = (await store.flags.get(flag))?.revision ?? 0;
    await until(() => !streaming.isEnabled(flag.name, { userId: 'u1' }), 1000);
    await until(() => [polling, delta].every((c) => !c.isEnabled(flag.name, { userId: 'u1' })));

    const confirmation = confirmFleet(fleet, { revision, decidedAt, activeWithinMs: 60_000 });
    expect(confirmation).toMatchObject({ instances: 3, confirmed: 3, complete: true, stragglers: [] });
    expect(
      fleet
        .active(60_000)
        .map((i) => [i.instanceId, i.lastChannel])
        .sort(),
    ).toEqual([
      ['delta-1', 'delta'],
      ['poll-1', 'features'],
      ['stream-1', 'streaming'],
    ]);
  });

  it('answers 429 beyond maxConnections, and that SDK falls back to polling and still sees the rollback', async () => {
    await backend.setPercentage(flag, 100);
    for (const id of ['s1', 's2', 's3']) await sdk(id, { type: 'streaming' }, 60_000);
    await until(() => streams.size === 3);
    const fourth = await sdk('s4', { type: 'streaming' }, 200);
    // It fell back to polling /api/client/features (the SDK does not surface its mode switch).
    const s4 = () => fleet.active(60_000).find((i) => i.instanceId === 's4');
    await until(() => s4()?.lastChannel === 'features');
    const requests = (await registry.getSingleMetric('rampart_client_api_requests_total')?.get())?.values;
    expect(requests).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ labels: { endpoint: '/streaming', status: '429' } }),
      ]),
    );
    expect(streams.size).toBe(3);
    await backend.disable(flag);
    await until(() => !fourth.isEnabled(flag.name, { userId: 'u1' }));
  });

  it('closes its side when the SDK goes away, and sends heartbeats meanwhile', async () => {
    for (const client of clients.splice(0)) client.destroy();
    await until(() => streams.size === 0);
    const controller = new AbortController();
    const res = await fetch(`${baseUrl}client/streaming`, {
      headers: { Authorization: TOKEN, 'unleash-appname': 'raw', 'unleash-instanceid': 'raw-1' },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes(': heartbeat')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toMatch(
      /^event: unleash-connected\nid: \d+\ndata: \{"events":\[\{"eventId":\d+,"type":"hydration"/,
    );
    expect(streams.size).toBe(1);
    controller.abort();
    await until(() => streams.size === 0);
  });

  it('records instances from register and metrics bodies, and from the headers of fetches', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${baseUrl}client/${path}`, {
        method: 'POST',
        headers: { Authorization: TOKEN, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post('register', { appName: 'billing', instanceId: 'b-1' })).status).toBe(202);
    const seen = () => fleet.active(60_000).find((i) => i.instanceId === 'b-1');
    expect(seen()).toMatchObject({ appName: 'billing', lastChannel: 'register' });
    expect(seen()?.revision).toBeUndefined();
    const metrics = { appName: 'billing', instanceId: 'b-1', bucket: { toggles: {} } };
    expect((await post('metrics', metrics)).status).toBe(202);
    expect(seen()).toMatchObject({ lastChannel: 'metrics' });
    const res = await fetch(`${baseUrl}client/features`, {
      headers: { Authorization: TOKEN, 'unleash-appname': 'billing', 'unleash-instanceid': 'b-1' },
    });
    expect(res.status).toBe(200);
    const revision = await store.flags.revision();
    expect(seen()).toMatchObject({ lastChannel: 'features', revision });
  });

  it('refuses a stream without a valid token', async () => {
    const res = await fetch(`${baseUrl}client/streaming`, { headers: { Authorization: 'nope' } });
    expect(res.status).toBe(401);
  });
});
