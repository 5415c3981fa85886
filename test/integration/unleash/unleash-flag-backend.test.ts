import { randomBytes } from 'node:crypto';
import { InMemStorageProvider, Unleash, UnleashEvents } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnleashError } from '../../../src/errors/unleash-error.js';
import { flexibleRolloutEnabled } from '../../../src/flag-backends/stickiness-hash.js';
import { HttpUnleashAdminApi } from '../../../src/flag-backends/unleash/http-unleash-admin-api.js';
import { UnleashFlagBackend } from '../../../src/flag-backends/unleash/unleash-flag-backend.js';
import { type FlagRef, flagRefSchema } from '../../../src/rollout-spec/rollout-spec-schema.js';
import { describeFlagBackendContract } from '../../support/flag-backend-contract.js';
import { startUnleashServer, type UnleashServer, unleashAdmin } from '../../support/unleash-server.js';

let unleash: UnleashServer;

beforeAll(async () => {
  unleash = await startUnleashServer();
});

afterAll(async () => {
  await unleash?.stop();
});

function backend(token = unleash.adminToken): UnleashFlagBackend {
  return new UnleashFlagBackend(
    new HttpUnleashAdminApi({
      url: unleash.url,
      token,
      tokenSource: 'adminTokenFile: /run/secrets/unleash-admin',
      timeoutMs: 3000,
      initialDelayMs: 50,
      maxDelayMs: 200,
    }),
  );
}

function freshFlag(overrides: Partial<FlagRef> = {}): FlagRef {
  return flagRefSchema.parse({
    backend: 'unleash',
    name: `it-${randomBytes(4).toString('hex')}`,
    ...overrides,
  });
}

/** What a person does in the Unleash UI, through the same Admin API. */
const admin = (method: string, path: string, body?: unknown) =>
  unleashAdmin(unleash, method, `projects/default/features/${path}`, body);

interface Strategy {
  id: string;
  title: string | null;
  parameters: Record<string, string>;
}

async function strategies(flag: FlagRef): Promise<Strategy[]> {
  return (await admin('GET', `${flag.name}/environments/${flag.environment}/strategies`)) as Strategy[];
}

describeFlagBackendContract('UnleashFlagBackend against unleash-server 7.4.1', () => backend(), {
  backend: 'unleash',
});

describe('UnleashFlagBackend against unleash-server 7.4.1', () => {
  it('creates the flag with exactly one rampart strategy, never Unleash’s default 100 %', async () => {
    const flag = freshFlag({ groupId: 'mfa-group' });
    await backend().setPercentage(flag, 1);
    expect(await strategies(flag)).toEqual([
      expect.objectContaining({
        title: `rampart:${flag.name}`,
        name: 'flexibleRollout',
        parameters: { rollout: '1', stickiness: 'userId', groupId: 'mfa-group' },
      }),
    ]);
  });

  it('ramps 1 -> 5 -> 25 -> 100 and rolls back, read back after each write', async () => {
    const flag = freshFlag();
    const b = backend();
    for (const p of [1, 5, 25, 100]) {
      expect(await b.setPercentage(flag, p)).toEqual({
        exists: true,
        enabled: true,
        percentage: p,
        otherStrategies: 0,
        scope: { constraints: [], segments: [] },
      });
    }
    // Rollback leaves no trap: rampart's strategy at 0 % as well as the environment off.
    expect(await b.disable(flag)).toEqual({
      exists: true,
      enabled: false,
      percentage: 0,
      otherStrategies: 0,
      scope: { constraints: [], segments: [] },
    });
    const feature = (await admin('GET', flag.name)) as { environments: { name: string; enabled: boolean }[] };
    expect(feature.environments.find((e) => e.name === 'production')?.enabled).toBe(false);
    expect(await strategies(flag)).toHaveLength(1);
  });

  it('finds its strategy again from a new process-like instance', async () => {
    const flag = freshFlag();
    await backend().setPercentage(flag, 5);
    expect(await backend().setPercentage(flag, 25)).toMatchObject({ percentage: 25 });
    expect(await strategies(flag)).toHaveLength(1);
  });

  it('reports changes a person makes in Unleash by hand', async () => {
    const flag = freshFlag();
    const b = backend();
    await b.setPercentage(flag, 5);
    const [mine] = await strategies(flag);
    if (!mine) throw new Error('no strategy');
    await admin('PUT', `${flag.name}/environments/production/strategies/${mine.id}`, {
      name: 'flexibleRollout',
      title: mine.title,
      constraints: [],
      parameters: { ...mine.parameters, rollout: '60' },
    });
    expect(await b.read(flag)).toMatchObject({ enabled: true, percentage: 60, otherStrategies: 0 });

    await admin('POST', `${flag.name}/environments/production/strategies`, {
      name: 'flexibleRollout',
      constraints: [],
      parameters: { rollout: '100', stickiness: 'default', groupId: flag.name },
    });
    expect(await b.read(flag)).toMatchObject({ percentage: 60, otherStrategies: 1 });

    await admin('POST', `${flag.name}/environments/production/off`);
    expect(await b.read(flag)).toMatchObject({ enabled: false, percentage: 60, otherStrategies: 1 });
  });

  it('rejects a bad admin token with a message that says what to fix', async () => {
    const error = await backend('*:*.not-a-real-token')
      .read(freshFlag())
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'UnleashError', code: 'unleash_unauthorized' });
    expect((error as Error).message).toBe(
      `admin token rejected by Unleash at ${unleash.url} (HTTP 401): check the token of adminTokenFile: /run/secrets/unleash-admin`,
    );
    expect((error as Error).message).not.toContain('not-a-real-token');
  });

  it('is not ready when the token is rejected (an authorised read, not /health)', async () => {
    const flag = freshFlag();
    await backend().setPercentage(flag, 5);
    expect(await backend().readiness([flag])).toEqual({ ok: true });
    // A flag not created yet is an authorised read too.
    expect(await backend().readiness([freshFlag()])).toEqual({ ok: true });
    const rejected = await backend('*:*.not-a-real-token').readiness([flag]);
    expect(rejected).toEqual({
      ok: false,
      reason: expect.stringContaining('check the token of adminTokenFile: /run/secrets/unleash-admin'),
    });
    expect(JSON.stringify(rejected)).not.toContain('not-a-real-token');
  });

  it('names a missing project', async () => {
    const flag = freshFlag({ project: 'no-such-project' });
    await expect(backend().setPercentage(flag, 1)).rejects.toSatisfy(
      (e) => e instanceof UnleashError && e.code === 'unleash_not_found' && /no-such-project/.test(e.message),
    );
  });

  it('explains an archived flag instead of recreating it', async () => {
    const flag = freshFlag();
    await backend().setPercentage(flag, 5);
    await admin('DELETE', flag.name);
    expect(await backend().read(flag)).toMatchObject({ exists: false });
    await expect(backend().setPercentage(flag, 5)).rejects.toSatisfy(
      (e) =>
        e instanceof UnleashError &&
        e.code === 'unleash_conflict' &&
        /archived or in another project/.test(e.message),
    );
  });

  it('names a missing environment', async () => {
    const flag = freshFlag({ environment: 'staging' });
    await expect(backend().setPercentage(flag, 1)).rejects.toThrow(/no environment "staging"/);
  });

  it('fails typed while the server is down mid-ramp, then recovers when it is back', async () => {
    const flag = freshFlag();
    const b = backend();
    await b.setPercentage(flag, 5);
    await unleash.stopServer();
    try {
      await expect(b.setPercentage(flag, 25)).rejects.toMatchObject({
        name: 'UnleashError',
        code: 'unleash_unreachable',
      });
      await expect(b.read(flag)).rejects.toMatchObject({
        name: 'UnleashError',
        code: 'unleash_unreachable',
      });
      expect(await b.readiness([flag])).toMatchObject({
        ok: false,
        reason: expect.stringContaining('cannot reach'),
      });
    } finally {
      await unleash.startServer();
    }
    expect(await b.readiness([flag])).toEqual({ ok: true });
    expect(await b.read(flag)).toMatchObject({ enabled: true, percentage: 5 });
    expect(await b.setPercentage(flag, 25)).toMatchObject({ enabled: true, percentage: 25 });
    expect(await strategies(flag)).toHaveLength(1);
  });

  it('writes a strategy the real unleash-client evaluates exactly as rampart’s hash predicts', async () => {
    const flag = freshFlag({ environment: 'development' });
    await backend().setPercentage(flag, 25);
    const client = new Unleash({
      appName: 'rampart-it',
      url: `${unleash.url}/api/`,
      customHeaders: { Authorization: unleash.backendToken },
      refreshInterval: 60_000,
      disableMetrics: true,
      storageProvider: new InMemStorageProvider(),
      skipInstanceCountWarning: true,
    });
    try {
      client.on(UnleashEvents.Error, () => {});
      await new Promise<void>((resolve) => client.once(UnleashEvents.Synchronized, () => resolve()));
      const ids = Array.from({ length: 2000 }, (_, i) => `u${i}`);
      const parameters = { rollout: '25', stickiness: 'userId', groupId: flag.name };
      const sdk = ids.filter((userId) => client.isEnabled(flag.name, { userId }));
      expect(sdk).toEqual(ids.filter((userId) => flexibleRolloutEnabled(parameters, { userId }, flag.name)));
      expect(sdk.length).toBeGreaterThan(400);
      expect(client.isEnabled(flag.name, {})).toBe(false);
    } finally {
      client.destroy();
    }
  });
});
