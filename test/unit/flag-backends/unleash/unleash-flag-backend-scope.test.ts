import { beforeEach, describe, expect, it } from 'vitest';
import { UnleashFlagBackend } from '../../../../src/flag-backends/unleash/unleash-flag-backend.js';
import { type FlagRef, flagRefSchema } from '../../../../src/rollout-spec/rollout-spec-schema.js';
import { FakeUnleashAdminApi } from '../../../support/fake-unleash-admin-api.js';

const staff = { contextName: 'accountType', operator: 'IN', values: ['staff'] } as const;
const flag: FlagRef = flagRefSchema.parse({
  backend: 'unleash',
  name: 'mfa-staff-login',
  constraints: [staff, { contextName: 'appVersion', operator: 'SEMVER_GT', value: '2.0.0' }],
  segments: ['beta'],
});
const canonicalStaff = { ...staff, values: ['staff'], inverted: false, caseInsensitive: false };

describe('UnleashFlagBackend scope and rollback', () => {
  let api: FakeUnleashAdminApi;
  let backend: UnleashFlagBackend;
  const strategy = () =>
    api.features.get('mfa-staff-login')?.environments.find((e) => e.name === 'production')?.strategies[0];

  beforeEach(() => {
    api = new FakeUnleashAdminApi();
    api.segments.push({ id: 7, name: 'beta' }, { id: 9, name: 'internal' });
    backend = new UnleashFlagBackend(api);
  });

  it('writes the constraints and the segment ids on its strategy and reads them back by name', async () => {
    const state = await backend.setPercentage(flag, 5);
    expect(strategy()).toMatchObject({
      constraints: expect.arrayContaining([canonicalStaff]),
      segments: [7],
    });
    expect(state.scope).toEqual({
      constraints: [
        {
          contextName: 'accountType',
          operator: 'IN',
          values: ['staff'],
          inverted: false,
          caseInsensitive: false,
        },
        {
          contextName: 'appVersion',
          operator: 'SEMVER_GT',
          value: '2.0.0',
          inverted: false,
          caseInsensitive: false,
        },
      ],
      segments: ['beta'],
    });
  });

  it('reads a constraint removed by hand', async () => {
    await backend.setPercentage(flag, 5);
    api.edit('mfa-staff-login', 'production', (env) => {
      const s = env.strategies[0];
      if (s) s.constraints = s.constraints.filter((c) => c.contextName !== 'accountType');
    });
    expect((await backend.read(flag)).scope?.constraints.map((c) => c.contextName)).toEqual(['appVersion']);
  });

  it('reads a segment added by hand by its name, and an unknown id as #id', async () => {
    await backend.setPercentage(flag, 5);
    api.edit('mfa-staff-login', 'production', (env) => {
      env.strategies[0]?.segments.push(9, 42);
    });
    expect((await backend.read(flag)).scope?.segments).toEqual(['#42', 'beta', 'internal']);
  });

  it('compares canonically: reordered values and spelled-out defaults are no change', async () => {
    const wide = flagRefSchema.parse({
      ...flag,
      constraints: [{ contextName: 'accountType', operator: 'IN', values: ['staff', 'admin'] }],
    });
    await backend.setPercentage(wide, 5);
    api.edit('mfa-staff-login', 'production', (env) => {
      const s = env.strategies[0];
      if (s)
        s.constraints = [
          { contextName: 'accountType', operator: 'IN', values: ['admin', 'staff'], value: null },
        ];
    });
    api.calls.length = 0;
    await backend.setPercentage(wide, 5);
    expect(api.calls.filter((c) => c.startsWith('updateStrategy'))).toEqual([]);
  });

  it('names an unknown segment and the known ones, writing nothing', async () => {
    const unknown = flagRefSchema.parse({ ...flag, segments: ['gamma'] });
    await expect(backend.setPercentage(unknown, 5)).rejects.toThrow(
      /flag.segments names "gamma", which is not a segment in Unleash at http:\/\/unleash.test \(segments: beta, internal\)/,
    );
    expect(api.calls.filter((c) => c.startsWith('addStrategy') || c.startsWith('createFeature'))).toEqual([
      'createFeature mfa-staff-login',
    ]);
  });

  it('throws flag_write_unconfirmed when the scope read back is not the one written', async () => {
    await backend.setPercentage(flag, 5);
    const realGet = api.getFeature.bind(api);
    api.getFeature = async (project, name) => {
      const feature = await realGet(project, name);
      const s = feature?.environments.find((e) => e.name === 'production')?.strategies[0];
      if (s) s.constraints = [];
      return feature;
    };
    const error = await backend.setPercentage(flag, 25).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'flag_write_unconfirmed' });
    expect(String(error)).toMatch(/read back enabled=true percentage=25 scope=segments \[beta\]$/);
  });

  it('rollback keeps a person’s scope edit and sets 0 % under it', async () => {
    await backend.setPercentage(flag, 50);
    api.edit('mfa-staff-login', 'production', (env) => {
      const s = env.strategies[0];
      if (s) s.constraints = [];
    });
    const state = await backend.disable(flag);
    expect(state).toMatchObject({
      enabled: false,
      percentage: 0,
      scope: { constraints: [], segments: ['beta'] },
    });
    expect(strategy()?.parameters.rollout).toBe('0');
  });

  const bare = flagRefSchema.parse({ backend: 'unleash', name: 'mfa-staff-login' });

  it('rolls back by setting its strategy to 0 % first, then turning the environment off', async () => {
    await backend.setPercentage(bare, 25);
    api.calls.length = 0;
    const state = await backend.disable(bare);
    expect(state).toEqual({
      exists: true,
      enabled: false,
      percentage: 0,
      otherStrategies: 0,
      scope: { constraints: [], segments: [] },
    });
    expect(api.calls.filter((c) => !c.startsWith('getFeature'))).toEqual([
      'updateStrategy production 0',
      'setEnvironmentEnabled production off',
    ]);
    // A person who turns the environment back on exposes nobody.
    api.edit('mfa-staff-login', 'production', (env) => {
      env.enabled = true;
    });
    expect(await backend.read(bare)).toMatchObject({ enabled: true, percentage: 0 });
  });
});
