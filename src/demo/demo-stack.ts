import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Logger, pino } from 'pino';
import { Registry } from 'prom-client';
import type { RuntimeConfig } from '../config/resolve-config.js';
import { sha256Hex } from '../http/auth.js';
import { type RunningRampart, startRampart } from '../main.js';
import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import { createSystemTicker } from '../time/system-ticker.js';
import { DeferredMfaPolicy } from './deferred-mfa-policy.js';
import { EvaluationLog } from './evaluation-log.js';
import { FaultExposure } from './fault-exposure.js';
import type { AnsweredRequest } from './login-service/login-service.js';
import { type RunningLoginService, startLoginService } from './login-service/start-login-service.js';
import { startUnleashMfaPolicy, type UnleashMfaPolicy } from './login-service/unleash-mfa-policy.js';
import { demoUserIds } from './login-service/user-directory.js';
import { HttpLoginApi } from './traffic/http-login-api.js';
import { TrafficGenerator } from './traffic/traffic-generator.js';

export interface DemoStackOptions {
  /** The (compressed) rollout spec rampart runs. */
  spec: RolloutSpec;
  /** Where the spec came from (shown in rampart's audit and errors). */
  specSource: string;
  /** rampart's port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** Staff users of the login service; default 2000. */
  users?: number;
  /** Mean visits per second of the traffic generator; default 30. */
  rate?: number;
  seed?: number;
  /** How often rampart scrapes the login service; default 1 s. */
  scrapeIntervalMs?: number;
  /** How often the login service's unleash-client polls rampart; default 500 ms. */
  sdkRefreshMs?: number;
  /** rampart's logger; default silent. */
  logger?: Logger;
  /** Also sees every request the login service answered (tests count what a fault did). */
  observe?: (answer: AnsweredRequest) => void;
}

/** Everything the demo runs, on loopback ports, with its secrets (generated at start). */
export interface DemoStack {
  rampart: RunningRampart;
  login: RunningLoginService;
  /** The login service's view of the flag: the unleash-client SDK reading rampart's client API. */
  sdk: UnleashMfaPolicy;
  traffic: TrafficGenerator;
  exposure: FaultExposure;
  /** Every flag evaluation the login service made, with what its SDK served then. */
  evaluations: EvaluationLog;
  userIds: readonly string[];
  /** Bearer token of the `operator` role for the API and the status page. */
  operatorToken: string;
  /** Bearer token of the login service's /admin/faults. */
  adminToken: string;
  dataDir: string;
  /** Stops traffic, the SDK, the login service and rampart, and deletes the data dir. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the demo: the login service first (rampart scrapes it), then rampart with the embedded
 * flag backend, a scrape metric source and SQLite in a fresh temp dir, then the login service's
 * unleash-client against rampart's client API, then the traffic. Whatever started is stopped
 * again when a later part fails.
 */
export async function startDemoStack(options: DemoStackOptions): Promise<DemoStack> {
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => undefined);
  };
  try {
    const users = options.users ?? 2000;
    const dataDir = await mkdtemp(join(tmpdir(), 'rampart-demo-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));

    const adminToken = randomBytes(18).toString('base64url');
    const operatorToken = randomBytes(18).toString('base64url');
    const clientToken = `${options.spec.flag.project}:${options.spec.flag.environment}.${randomBytes(18).toString('hex')}`;

    const policy = new DeferredMfaPolicy();
    let served: UnleashMfaPolicy | undefined;
    const evaluations = new EvaluationLog(policy, () => served?.servedPercentage());
    const exposure = new FaultExposure();
    const login = await startLoginService({
      port: 0,
      policy: evaluations,
      registry: new Registry(),
      users,
      adminToken,
      // Each staff member visits about once a minute in the demo's compressed day, so two logouts
      // within 30 minutes are normal there; a looping session bounces within milliseconds.
      logoutBounceMs: 5_000,
      onResponse: (answer) => {
        exposure.observe(answer);
        options.observe?.(answer);
      },
    });
    cleanups.push(() => login.stop());

    const runtime: RuntimeConfig = {
      listen: { host: '127.0.0.1', port: options.port, trustedProxies: [] },
      publicUrl: `http://127.0.0.1:${options.port}`,
      specsDir: dataDir,
      flagBackends: { [options.spec.flag.backend]: { type: 'embedded', clientTokens: [clientToken] } },
      metricSource: {
        type: 'scrape',
        targets: [{ name: 'demo-login-service', url: `${login.url}/metrics`, labels: {} }],
        interval: options.scrapeIntervalMs ?? 1000,
        timeout: 1000,
        retention: 15 * 60_000,
      },
      store: { kind: 'sqlite', path: join(dataDir, 'rampart.sqlite') },
      apiTokens: [{ name: 'demo-operator', role: 'operator', sha256: sha256Hex(operatorToken) }],
      notifiers: Object.fromEntries(options.spec.notify.map((n) => [n, { type: 'noop' as const }])),
    };
    const rampart = await startRampart({
      runtime,
      specs: [{ source: options.specSource, spec: options.spec }],
      watchSpecs: false,
      logger: options.logger ?? pino({ enabled: false }),
    });
    cleanups.push(() => rampart.close());

    const sdk = await startUnleashMfaPolicy({
      url: `${rampart.url}/api/`,
      clientToken,
      flagName: options.spec.flag.name,
      refreshIntervalMs: options.sdkRefreshMs ?? 500,
    });
    policy.connect(sdk);
    served = sdk;
    cleanups.push(async () => sdk.close());

    const traffic = new TrafficGenerator({
      api: new HttpLoginApi({ baseUrl: login.url }),
      ticker: createSystemTicker({ unref: false }),
      ratePerSecond: options.rate ?? 30,
      users,
      seed: options.seed ?? 1,
    });
    traffic.start();
    cleanups.push(() => traffic.stop({ graceMs: 1000 }));

    let closing: Promise<void> | undefined;
    return {
      rampart,
      login,
      sdk,
      traffic,
      exposure,
      evaluations,
      userIds: demoUserIds(users),
      operatorToken,
      adminToken,
      dataDir,
      close: () => {
        closing ??= cleanup();
        return closing;
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
