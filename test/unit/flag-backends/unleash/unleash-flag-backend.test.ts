import { beforeEach, describe, expect, it } from 'vitest';
import { UnleashError } from '../../../../src/errors/unleash-error.js';
import { rampartStrategyTitle } from '../../../../src/flag-backends/unleash/rampart-strategy.js';
import { UnleashFlagBackend } from '../../../../src/flag-backends/unleash/unleash-flag-backend.js';
import { type FlagRef, flagRefSchema } from '../../../../src/rollout-spec/rollout-spec-schema.js';
import { FakeUnleashAdminApi } from '../../../support/fake-unleash-admin-api.js';

const flag: FlagRef = flagRefSchema.parse({ backend: 'unleash', name: 'mfa-staff-login' });

describe('UnleashFlagBackend', () => {
  let api: FakeUnleashAdminApi;
  let backend: UnleashFlagBackend;

  beforeEach(() => {
    api = new FakeUnleashAdminApi();
    backend = new UnleashFlagBackend(api);
  });

  it('reports a missing flag as not existing', async () => {
    expect(await backend.read(flag)).toEqual({
      exists: false,
      enabled: false,
      percentage: 0,
      otherStrategies: 0,
    });
  });

  it('creates the flag and its strategy before turning the environment on', async () => {
    const state = await backend.setPercentage(flag, 1);
    expect(state).toEqual({
      exists: true,
      enabled: true,
      percentage: 1,
      otherStrategies: 0,
      scope: { constraints: [], segments: [] },
    });
    const writes = api.calls.filter((c) => !c.startsWith('getFeature'));
    expect(writes).toEqual([
      'createFeature mfa-staff-login',
      'addStrategy production 1',
      'setEnvironmentEnabled production on',
    ]);
    const env = api.features.get('mfa-staff-login')?.environments.find((e) => e.name === 'production');
    expect(env?.strategies).toEqual([
      expect.objectContaining({
        name: 'flexibleRollout',
        title: 'rampart:mfa-staff-login',
        parameters: { rollout: '1', stickiness: 'userId', groupId: 'mfa-staff-login' },
      }),
    ]);
  });

  it('ramps by updating its one strategy, never adding a second', async () => {
    for (const p of [1, 5, 25, 100]) {
      expect((await backend.setPercentage(flag, p)).percentage).toBe(p);
    }
    const env = api.features.get('mfa-staff-login')?.environments.find((e) => e.name === 'production');
    expect(env?.strategies).toHaveLength(1);
    expect(api.calls.filter((c) => c.startsWith('updateStrategy'))).toEqual([
      'updateStrategy production 5',
      'updateStrategy production 25',
      'updateStrategy production 100',
    ]);
  });

  it('writes nothing when the flag already has the wanted percentage', async () => {
    await backend.setPercentage(flag, 5);
    api.calls.length = 0;
    await backend.setPercentage(flag, 5);
    expect(api.calls.filter((c) => !c.startsWith('getFeature'))).toEqual([]);
  });

  it('uses the groupId and stickiness of the flag ref', async () => {
    const custom = flagRefSchema.parse({
      backend: 'unleash',
      name: 'f',
      groupId: 'g1',
      stickiness: 'sessionId',
    });
    await backend.setPercentage(custom, 10);
    const strategy = api.features.get('f')?.environments.find((e) => e.name === 'production')?.strategies[0];
    expect(strategy?.parameters).toEqual({ rollout: '10', stickiness: 'sessionId', groupId: 'g1' });
  });

  it('disable of a flag that does not exist writes nothing', async () => {
    expect((await backend.disable(flag)).exists).toBe(false);
    expect(api.calls).toEqual(['getFeature mfa-staff-login']);
  });

  it('rollback to zero keeps the environment on at rollout 0', async () => {
    await backend.setPercentage(flag, 25);
    expect(await backend.setPercentage(flag, 0)).toMatchObject({ enabled: true, percentage: 0 });
  });

  it('finds its strategy again after a restart (a new backend instance)', async () => {
    await backend.setPercentage(flag, 5);
    const restarted = new UnleashFlagBackend(api);
    expect(await restarted.read(flag)).toMatchObject({ enabled: true, percentage: 5 });
    await restarted.setPercentage(flag, 25);
    const env = api.features.get('mfa-staff-login')?.environments.find((e) => e.name === 'production');
    expect(env?.strategies).toHaveLength(1);
  });

  it('reports a hand change: percentage edited, environment off, strategy added', async () => {
    await backend.setPercentage(flag, 5);
    api.edit('mfa-staff-login', 'production', (env) => {
      const mine = env.strategies.find((s) => s.title === rampartStrategyTitle(flag));
      if (mine) mine.parameters.rollout = '50';
    });
    expect(await backend.read(flag)).toMatchObject({
      enabled: true,
      percentage: 50,
      otherStrategies: 0,
    });
    api.edit('mfa-staff-login', 'production', (env) => {
      env.strategies.push({
        id: 'x',
        name: 'default',
        title: null,
        parameters: {},
        constraints: [],
        segments: [],
      });
    });
    expect((await backend.read(flag)).otherStrategies).toBe(1);
    api.edit('mfa-staff-login', 'production', (env) => {
      env.enabled = false;
    });
    expect((await backend.read(flag)).enabled).toBe(false);
  });

  it('counts its own strategy disabled by hand as 0 %', async () => {
    await backend.setPercentage(flag, 25);
    api.edit('mfa-staff-login', 'production', (env) => {
      for (const s of env.strategies) s.disabled = true;
    });
    expect(await backend.read(flag)).toMatchObject({
      enabled: true,
      percentage: 0,
      otherStrategies: 0,
    });
  });

  it('leaves strategies a person added alone when it ramps', async () => {
    await backend.setPercentage(flag, 5);
    api.edit('mfa-staff-login', 'production', (env) => {
      env.strategies.push({
        id: 'x',
        name: 'userWithId',
        title: 'qa',
        parameters: { userIds: 'a' },
        constraints: [],
        segments: [],
      });
    });
    expect(await backend.setPercentage(flag, 25)).toMatchObject({ percentage: 25, otherStrategies: 1 });
    const env = api.features.get('mfa-staff-login')?.environments.find((e) => e.name === 'production');
    expect(env?.strategies.map((s) => s.title)).toEqual(['rampart:mfa-staff-login', 'qa']);
  });

  it('throws flag_write_unconfirmed when the read-back differs from the write', async () => {
    await backend.setPercentage(flag, 5);
    const realGet = api.getFeature.bind(api);
    let reads = 0;
    api.getFeature = async (project, name) => {
      const feature = await realGet(project, name);
      // The read after the write sees a person's concurrent edit.
      if (++reads === 2 && feature) {
        const s = feature.environments.find((e) => e.name === 'production')?.strategies[0];
        if (s) s.parameters.rollout = '7';
      }
      return feature;
    };
    const error = await backend.setPercentage(flag, 25).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'UnleashError', code: 'flag_write_unconfirmed' });
    expect((error as UnleashError).message).toMatch(/read back enabled=true percentage=7$/);
  });

  it('names the missing environment and lists the known ones', async () => {
    const staging = flagRefSchema.parse({ backend: 'unleash', name: 'f', environment: 'staging' });
    await expect(backend.setPercentage(staging, 1)).rejects.toThrow(
      /no environment "staging".*development, production/,
    );
  });

  it('fails with a not-found error when the project does not exist', async () => {
    const other = flagRefSchema.parse({ backend: 'unleash', name: 'f', project: 'nope' });
    await expect(backend.setPercentage(other, 1)).rejects.toMatchObject({
      name: 'UnleashError',
      code: 'unleash_not_found',
    });
  });

  it('tolerates a concurrent creation of the flag (409 on create)', async () => {
    await api.createFeature('default', 'mfa-staff-login');
    const realGet = api.getFeature.bind(api);
    let first = true;
    api.getFeature = async (project, name) => {
      if (first) {
        first = false;
        return undefined;
      }
      return realGet(project, name);
    };
    expect(await backend.setPercentage(flag, 1)).toMatchObject({ enabled: true, percentage: 1 });
  });

  it('explains a name taken by a flag it cannot read (archived or in another project)', async () => {
    api.projects.add('other');
    await api.createFeature('other', 'mfa-staff-login');
    await expect(backend.setPercentage(flag, 1)).rejects.toThrow(
      /mfa-staff-login exists in Unleash at http:\/\/unleash.test but not in project default: it is archived or in another project/,
    );
  });

  it('passes typed transport errors through', async () => {
    api.failNext('getFeature', UnleashError.unauthorized(api.url, 401, 'adminTokenEnv: UNLEASH_TOKEN'));
    await expect(backend.read(flag)).rejects.toThrow(
      /admin token rejected by Unleash at http:\/\/unleash.test.*adminTokenEnv: UNLEASH_TOKEN/,
    );
    api.failNext(
      'setEnvironmentEnabled',
      new UnleashError('unleash_server_error', 'boom', api.url, { status: 503 }),
    );
    await expect(backend.setPercentage(flag, 1)).rejects.toMatchObject({
      name: 'UnleashError',
      code: 'unleash_server_error',
    });
    // The strategy was created before the failed switch-on, so a retry only switches on.
    api.calls.length = 0;
    expect(await backend.setPercentage(flag, 1)).toMatchObject({ enabled: true, percentage: 1 });
    expect(api.calls.filter((c) => !c.startsWith('getFeature'))).toEqual([
      'setEnvironmentEnabled production on',
    ]);
  });

  it('rejects percentages outside 0..100', async () => {
    await expect(backend.setPercentage(flag, 101)).rejects.toThrow(RangeError);
    await expect(backend.setPercentage(flag, 2.5)).rejects.toThrow(RangeError);
  });

  it('is ready when each flag can be read with the token, once per flag', async () => {
    const other = { ...flag, name: 'other-flag' };
    expect(await backend.readiness([flag, other, flag])).toEqual({ ok: true });
    expect(api.calls).toEqual(['checkAccess default/mfa-staff-login', 'checkAccess default/other-flag']);
  });

  it('is not ready, naming the token source, when Unleash rejects the token', async () => {
    api.failNext('checkAccess', UnleashError.unauthorized(api.url, 403, 'adminTokenFile: /run/secrets/u'));
    expect(await backend.readiness([flag])).toEqual({
      ok: false,
      reason:
        'admin token rejected by Unleash at http://unleash.test (HTTP 403): check the token of adminTokenFile: /run/secrets/u',
    });
  });
});
