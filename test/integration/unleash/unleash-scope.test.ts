import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { InMemStorageProvider, Unleash, UnleashEvents } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Controller } from '../../../src/controller/controller.js';
import { Scheduler } from '../../../src/controller/scheduler.js';
import { HttpUnleashAdminApi } from '../../../src/flag-backends/unleash/http-unleash-admin-api.js';
import { UnleashFlagBackend } from '../../../src/flag-backends/unleash/unleash-flag-backend.js';
import type { Notification, Notifier } from '../../../src/notify/notifier.js';
import { type FlagRef, flagRefSchema } from '../../../src/rollout-spec/rollout-spec-schema.js';
import { openSqliteStore } from '../../../src/store/open-sqlite-store.js';
import { systemClock } from '../../../src/time/clock.js';
import { createSystemTicker } from '../../../src/time/system-ticker.js';
import { testSpec } from '../../support/controller-harness.js';
import { ScriptedVerdictSource } from '../../support/scripted-verdict-source.js';
import { startUnleashServer, type UnleashServer, unleashAdmin } from '../../support/unleash-server.js';

let unleash: UnleashServer;
let segmentId: number;

const api = (method: string, path: string, body?: unknown) => unleashAdmin(unleash, method, path, body);

interface RawStrategy {
  id: string;
  title: string | null;
  parameters: Record<string, string>;
  constraints: { contextName: string; operator: string; values?: string[]; value?: string }[];
  segments?: number[];
}
interface RawFeature {
  environments: { name: string; enabled: boolean; strategies: RawStrategy[] }[];
}

async function environment(flag: FlagRef) {
  const feature = (await api('GET', `projects/default/features/${flag.name}`)) as RawFeature;
  const env = feature.environments.find((e) => e.name === flag.environment);
  const mine = env?.strategies.find((s) => s.title === `rampart:${flag.name}`);
  if (!env || !mine) throw new Error(`no rampart strategy on ${flag.name}`);
  return { enabled: env.enabled, mine };
}

/** What a person does in the Unleash UI: replace rampart's strategy's constraints. */
async function editConstraints(
  flag: FlagRef,
  change: (c: RawStrategy['constraints']) => RawStrategy['constraints'],
) {
  const { mine } = await environment(flag);
  await api(
    'PUT',
    `projects/default/features/${flag.name}/environments/${flag.environment}/strategies/${mine.id}`,
    {
      name: 'flexibleRollout',
      title: mine.title,
      parameters: mine.parameters,
      constraints: change(mine.constraints),
      segments: mine.segments ?? [],
    },
  );
}

const backend = () =>
  new UnleashFlagBackend(
    new HttpUnleashAdminApi({
      url: unleash.url,
      token: unleash.adminToken,
      timeoutMs: 3000,
      tokenSource: 'adminTokenEnv: TEST_TOKEN',
    }),
  );

const STAFF = { contextName: 'accountType', operator: 'IN' as const, values: ['staff'] };
const fresh = (extra: Record<string, unknown> = {}) =>
  flagRefSchema.parse({ backend: 'unleash', name: `scope-${randomBytes(4).toString('hex')}`, ...extra });

beforeAll(async () => {
  unleash = await startUnleashServer();
  const created = (await api('POST', 'segments', { name: 'beta-testers', constraints: [] })) as {
    id: number;
  };
  segmentId = created.id;
  // Unleash and its PostgreSQL can take minutes to start on a loaded machine.
}, 420_000);

afterAll(async () => {
  await unleash?.stop();
});

describe('scope against unleash-server 7.4.1', () => {
  it('writes constraints and the segment (by id) on rampart’s strategy and reads them back', async () => {
    const flag = fresh({
      constraints: [STAFF, { contextName: 'appVersion', operator: 'SEMVER_GT', value: '2.0.0' }],
      segments: ['beta-testers'],
    });
    const state = await backend().setPercentage(flag, 25);
    const { mine } = await environment(flag);
    expect(mine.segments).toEqual([segmentId]);
    expect(mine.constraints).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ contextName: 'accountType', operator: 'IN', values: ['staff'] }),
        expect.objectContaining({ contextName: 'appVersion', operator: 'SEMVER_GT', value: '2.0.0' }),
      ]),
    );
    expect(state.scope?.segments).toEqual(['beta-testers']);
    expect(state.scope?.constraints.map((c) => c.contextName)).toEqual(['accountType', 'appVersion']);
    expect(await backend().read(flag)).toEqual(state);
  });

  it('names a segment Unleash does not have', async () => {
    await expect(backend().setPercentage(fresh({ segments: ['nope'] }), 5)).rejects.toThrow(
      /flag.segments names "nope", which is not a segment in Unleash .*segments: beta-testers/,
    );
  });

  it('reads a hand-removed constraint back, and the real SDK sees the scope rampart wrote', async () => {
    const flag = fresh({ environment: 'development', constraints: [STAFF] });
    await backend().setPercentage(flag, 100);
    const client = new Unleash({
      appName: 'rampart-scope-it',
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
      expect(client.isEnabled(flag.name, { userId: 'u1', properties: { accountType: 'staff' } })).toBe(true);
      expect(client.isEnabled(flag.name, { userId: 'u1', properties: { accountType: 'customer' } })).toBe(
        false,
      );
    } finally {
      client.destroy();
    }
    await editConstraints(flag, () => []);
    expect((await backend().read(flag)).scope).toEqual({ constraints: [], segments: [] });
  });

  it('rollback leaves no trap: rollout 0 and off, both read back; turning the environment on exposes nobody', async () => {
    const flag = fresh({ constraints: [STAFF] });
    const b = backend();
    await b.setPercentage(flag, 50);
    expect(await b.disable(flag)).toMatchObject({ enabled: false, percentage: 0 });
    const raw = await environment(flag);
    expect(raw.enabled).toBe(false);
    expect(raw.mine.parameters.rollout).toBe('0');
    await api('POST', `projects/default/features/${flag.name}/environments/${flag.environment}/on`);
    expect(await b.read(flag)).toMatchObject({ enabled: true, percentage: 0, otherStrategies: 0 });
  });
});

class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];
  async notify(n: Notification): Promise<void> {
    this.sent.push(n);
  }
}

describe('the controller on unleash-server 7.4.1 (tick 1 s, real clock)', () => {
  it('pauses on a hand-removed constraint, never writes over it; a rollback reads back 0 %', async () => {
    const store = await openSqliteStore({ path: ':memory:' });
    const verdicts = new ScriptedVerdictSource();
    const notifier = new RecordingNotifier();
    const unleashBackend = backend();
    const controller = new Controller({
      store,
      flagBackend: () => unleashBackend,
      verdictSource: verdicts,
      clock: systemClock,
      notifier,
    });
    const scheduler = new Scheduler({ controller, ticker: createSystemTicker(), clock: systemClock });
    const spec = testSpec({
      tick: '1s',
      bake: '1s',
      flag: { backend: 'unleash', name: fresh().name, constraints: [STAFF] },
    });
    const waitFor = async (what: string, ok: () => Promise<boolean>) => {
      const deadline = performance.now() + 30_000;
      while (!(await ok())) {
        if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return performance.now();
    };
    try {
      await controller.register(spec);
      scheduler.add(spec.name, spec.tick);
      await waitFor(
        'the first step',
        async () => (await store.getRollout(spec.name))?.lastWritten?.enabled === true,
      );

      await editConstraints(spec.flag, () => []);
      const removed = performance.now();
      const paused = await waitFor(
        'the pause',
        async () => (await store.getRollout(spec.name))?.phase === 'paused',
      );
      const state = await store.getRollout(spec.name);
      expect(state).toMatchObject({ pauseKind: 'external_change' });
      expect(state?.reason).toMatch(
        /scope changed outside rampart: expected accountType IN \[staff\], read everyone/,
      );
      expect(notifier.sent.some((n) => JSON.stringify(n).includes('scope changed outside rampart'))).toBe(
        true,
      );
      await new Promise((r) => setTimeout(r, 3000));
      expect((await environment(spec.flag)).mine.constraints).toEqual([]);
      const audit = (await store.readAudit({ rollout: spec.name })).map((e) => e.action);
      expect(audit.filter((a) => a === 'external_change')).toHaveLength(1);

      // A guardrail fails while paused: the rollback sets rollout 0 and turns the environment off.
      verdicts.script = { status: 'fail', guardrail: 'login-success' };
      const failed = performance.now();
      const zeroed = await waitFor('rollout 0 read back', async () => {
        const raw = await environment(spec.flag);
        return !raw.enabled && raw.mine.parameters.rollout === '0';
      });
      expect((await store.getRollout(spec.name))?.phase).toBe('rolled_back');
      console.log(
        `[measured] hand-removed constraint -> pause: ${Math.round(paused - removed)} ms; ` +
          `failing verdict -> strategy rollout 0 and environment off read back: ${Math.round(zeroed - failed)} ms (tick 1 s)`,
      );
      expect(paused - removed).toBeLessThan(5_000);
    } finally {
      scheduler.stop();
      await scheduler.idle();
      await store.close();
    }
  }, 90_000);
});
