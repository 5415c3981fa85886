import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import type { FlagBackend, FlagState, Readiness } from '../../src/flag-backends/flag-backend.js';
import { type ApiToken, sha256Hex } from '../../src/http/auth.js';
import { type AppDeps, createApp } from '../../src/http/create-app.js';
import { TickLog } from '../../src/http/tick-log.js';
import type { FlagRef } from '../../src/rollout-spec/rollout-spec-schema.js';
import { createLogger } from '../../src/telemetry/create-logger.js';
import { RampartMetrics } from '../../src/telemetry/rampart-metrics.js';
import { type Harness, makeHarness, testSpec } from './controller-harness.js';

export const TOKENS = {
  viewer: 'viewer-token-0123456789',
  operator: 'operator-token-0123456789',
  admin: 'admin-token-0123456789',
  alertmanager: 'alertmanager-token-0123456789',
} as const;

/** The API's view of the flag backend, with switches for read failures and reachability. */
class SwitchableBackend implements FlagBackend {
  failReads = false;
  offline = false;
  constructor(private readonly inner: FlagBackend) {}
  async read(...args: Parameters<FlagBackend['read']>): Promise<FlagState> {
    if (this.failReads) throw new Error('flag backend unavailable (simulated 503)');
    return this.inner.read(...args);
  }
  setPercentage(...args: Parameters<FlagBackend['setPercentage']>): Promise<FlagState> {
    return this.inner.setPercentage(...args);
  }
  disable(...args: Parameters<FlagBackend['disable']>): Promise<FlagState> {
    return this.inner.disable(...args);
  }
  async readiness(flags: readonly FlagRef[]): Promise<Readiness> {
    return this.offline ? { ok: false, reason: 'switched off by the test' } : this.inner.readiness(flags);
  }
}

export interface ApiHarness extends Harness {
  apiBackend: SwitchableBackend;
  app: ReturnType<typeof createApp>;
  registry: Registry;
  tickLog: TickLog;
  logLines: string[];
  /** Replaces `app` with a new one over the same store, as after a restart: nothing in memory survives. */
  restartApp(): void;
}

/** rampart's HTTP app over a controller on an in-memory store and a virtual clock. */
export async function makeApiHarness(
  options: Pick<AppDeps, 'trustedProxies' | 'clientApi' | 'statusPage'> = {},
): Promise<ApiHarness> {
  const h = await makeHarness();
  const registry = new Registry();
  const metrics = new RampartMetrics(registry, 'test');
  const tickLog = new TickLog();
  const logLines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _e, done) {
        logLines.push(String(chunk));
        done();
      },
    }),
  });
  const tokens: ApiToken[] = Object.entries(TOKENS).map(([role, token]) => ({
    name: `${role}-user`,
    role: role as ApiToken['role'],
    sha256: sha256Hex(token),
  }));
  const apiBackend = new SwitchableBackend(h.backend);
  const build = () =>
    createApp({
      ...options,
      controller: h.controller,
      commands: h.scheduler,
      flagBackend: () => apiBackend,
      tickLog,
      observability: { registry, metrics, logger },
      tokens,
      idempotency: h.store.idempotency,
      clock: h.clock,
      version: 'test',
      readiness: {
        checks: [
          { name: 'store', check: async () => Array.isArray(await h.store.listRollouts()) },
          { name: 'flags', check: () => apiBackend.readiness([]) },
        ],
      },
    });
  await h.controller.register(testSpec());
  await h.controller.register(
    testSpec({
      name: 'checkout',
      flag: { backend: 'embedded', name: 'checkout-v2' },
      alerts: { match: { rollout: 'checkout' } },
    }),
  );
  const harness: ApiHarness = {
    ...h,
    app: build(),
    apiBackend,
    registry,
    tickLog,
    logLines,
    restartApp() {
      harness.app = build();
    },
  };
  return harness;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
