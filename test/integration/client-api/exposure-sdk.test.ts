import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { InMemStorageProvider, Unleash, UnleashEvents } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeConfig } from '../../../src/config/resolve-config.js';
import { sha256Hex } from '../../../src/http/auth.js';
import { type RunningRampart, startRampart } from '../../../src/main.js';
import { testSpec } from '../../support/controller-harness.js';
import { TestMetricsApp } from '../../support/test-metrics-app.js';

/*
 * `rampart exposure` against reality: rampart ramps a scoped flag (embedded backend), the unmodified
 * unleash-client evaluates 3000 accounts (one in ten a contractor, out of scope) through rampart's
 * client API, and rampart rolls back. The accounts the SDK evaluated the flag on during the fault
 * window must be exactly the ones `rampart exposure` lists, with no contractor among them.
 */

const FLAG = 'scoped-login';
const TOKEN = 'default:production.exposure-sdk-test';
const OPERATOR = 'operator-token-exposure-0123456789';
const accounts = Array.from({ length: 3000 }, (_, i) => ({
  userId: `acct-${i + 1}`,
  accountType: i % 10 === 3 ? 'contractor' : 'staff',
}));

let dir: string;
let metrics: TestMetricsApp;
let rampart: RunningRampart;
let client: Unleash;

async function api<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(`${rampart.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${OPERATOR}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** Waits until the SDK itself serves the flag at `percentage` (0: off), so evaluations see it. */
async function sdkAt(percentage: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const def = client.getFeatureToggleDefinition(FLAG);
    const served = def?.enabled ? Number(def.strategies?.[0]?.parameters?.rollout ?? 0) : 0;
    if (served === percentage) return;
    if (Date.now() > deadline) throw new Error(`the SDK still serves ${served} %, not ${percentage} %`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One evaluation per account, as the login service makes it, recorded with its answer. */
function evaluate(group: typeof accounts): Map<string, boolean> {
  const seen = new Map<string, boolean>();
  for (const a of group) {
    const on = client.isEnabled(FLAG, { userId: a.userId, properties: { accountType: a.accountType } });
    seen.set(a.userId, (seen.get(a.userId) ?? false) || on);
  }
  return seen;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rampart-exposure-sdk-'));
  metrics = new TestMetricsApp();
  await metrics.start();
  const spec = testSpec({
    name: 'scoped',
    flag: {
      backend: 'embedded',
      name: FLAG,
      constraints: [{ contextName: 'accountType', operator: 'IN', values: ['staff'] }],
    },
    start: 'manual',
    bake: '1h',
    tick: '1s',
    alerts: { match: { rollout: 'scoped' } },
  });
  const runtime: RuntimeConfig = {
    listen: { host: '127.0.0.1', port: 0, trustedProxies: [] },
    publicUrl: 'http://127.0.0.1',
    specsDir: dir,
    flagBackends: { embedded: { type: 'embedded', clientTokens: [TOKEN] } },
    metricSource: {
      type: 'scrape',
      targets: [{ name: 'login', url: metrics.url, labels: {} }],
      interval: 1000,
      timeout: 1000,
      retention: 60_000,
    },
    store: { kind: 'sqlite', path: join(dir, 'rampart.sqlite') },
    apiTokens: [{ name: 'op', role: 'operator', sha256: sha256Hex(OPERATOR) }],
    notifiers: {},
  };
  rampart = await startRampart({
    runtime,
    specs: [{ source: 'test', spec }],
    watchSpecs: false,
    logger: pino({ enabled: false }),
  });
  client = new Unleash({
    appName: 'login-service',
    url: `${rampart.url}/api/`,
    customHeaders: { Authorization: TOKEN },
    refreshInterval: 100,
    disableMetrics: true,
    storageProvider: new InMemStorageProvider(),
    skipInstanceCountWarning: true,
  });
  client.on(UnleashEvents.Error, () => {});
  await new Promise<void>((resolve) => client.once(UnleashEvents.Synchronized, () => resolve()));
}, 30_000);

afterAll(async () => {
  client?.destroy();
  await rampart?.close();
  await metrics?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('rampart exposure against the users unleash-client evaluated', () => {
  it('lists exactly the accounts the SDK had the flag on for in the fault window, none out of scope', async () => {
    const command = (kind: string) => api(`/api/rollouts/scoped/${kind}`, { reason: 'exposure test' });
    await command('start');
    await sdkAt(1);
    const before = evaluate(accounts.slice(0, 1000));
    await command('promote');
    await sdkAt(5);
    await command('promote');
    await sdkAt(25);
    const during = evaluate(accounts.slice(1000));
    await command('rollback');
    await sdkAt(0);
    const after = evaluate(accounts.slice(0, 500));
    expect([...after.values()].filter(Boolean)).toEqual([]);

    const audit = await fetch(`${rampart.url}/api/rollouts/scoped/audit?limit=100`, {
      headers: { authorization: `Bearer ${OPERATOR}` },
    }).then((r) => r.json() as Promise<{ entries: { action: string; evidence: unknown }[] }>);
    const confirmed = audit.entries.find((e) => e.action === 'rollback_confirmed');
    const evidence = confirmed?.evidence as { faultWindow: { from: string; to: string; percentage: number } };
    const window = evidence.faultWindow;
    expect(window.percentage).toBe(25);

    const seen = accounts.filter((a) => during.has(a.userId));
    type Report = { users: { results: { userId: string; status: string }[] } };
    const report = await api<Report>('/api/rollouts/scoped/exposure', {
      from: window.from,
      to: window.to,
      users: seen,
    });
    const listed = report.users.results.filter((r) => r.status === 'exposed').map((r) => r.userId);
    const sdkOn = seen.filter((a) => during.get(a.userId)).map((a) => a.userId);
    expect(sdkOn.length).toBeGreaterThan(300);
    expect(listed).toEqual(sdkOn); // 0 differences
    const contractors = new Set(accounts.filter((a) => a.accountType === 'contractor').map((a) => a.userId));
    expect(listed.filter((u) => contractors.has(u))).toEqual([]); // 0 out of scope
    expect(report.users.results.filter((r) => r.status === 'undecided')).toEqual([]);

    // Before the window (the 1 % step), the same holds for the accounts evaluated then.
    const started = audit.entries.find((e) => e.action === 'started') as unknown as { at: string };
    const promoted = audit.entries.find((e) => e.action === 'promoted') as unknown as { at: string };
    const early = accounts.filter((a) => before.has(a.userId));
    const earlyReport = await api<Report>('/api/rollouts/scoped/exposure', {
      from: started.at,
      to: new Date(Date.parse(promoted.at) - 1).toISOString(),
      users: early,
    });
    expect(earlyReport.users.results.filter((r) => r.status === 'exposed').map((r) => r.userId)).toEqual(
      early.filter((a) => before.get(a.userId)).map((a) => a.userId),
    );
  }, 60_000);
});
