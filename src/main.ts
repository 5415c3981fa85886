import type { Server } from 'node:http';
import axios from 'axios';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { RuntimeConfig } from './config/resolve-config.js';
import { Controller } from './controller/controller.js';
import { MetricVerdictSource } from './controller/metric-verdict-source.js';
import { Scheduler } from './controller/scheduler.js';
import { fsFileWatcher, watchSpecFile } from './controller/spec-watcher.js';
import { type Issue, ValidationError } from './errors/validation-error.js';
import { clientFeatureSourceFromFlags } from './flag-backends/client-feature-source.js';
import { createFlagBackend } from './flag-backends/create-flag-backend.js';
import type { FlagBackend } from './flag-backends/flag-backend.js';
import { createApp } from './http/create-app.js';
import { createClientApiRouter } from './http/routes/client-api.js';
import type { ReadinessCheck } from './http/routes/health-routes.js';
import { TickLog } from './http/tick-log.js';
import { createMetricSource, type ManagedMetricSource } from './metric-sources/create-metric-source.js';
import { createNotifier } from './notify/create-notifier.js';
import type { Notifier } from './notify/notifier.js';
import { RolloutNotifier } from './notify/rollout-notifier.js';
import { type LoadedSpec, loadRolloutSpecs } from './spec/load-spec-files.js';
import { parseRolloutSpec } from './spec/parse-rollout-spec.js';
import type { RolloutSpec } from './spec/rollout-spec-schema.js';
import { openSqliteStore } from './store/open-sqlite-store.js';
import type { Store } from './store/store.js';
import { createLogger } from './telemetry/create-logger.js';
import { InstrumentedFlagBackend } from './telemetry/instrumented-flag-backend.js';
import { InstrumentedMetricSource } from './telemetry/instrumented-metric-source.js';
import { RampartMetrics } from './telemetry/rampart-metrics.js';
import { recordTick } from './telemetry/record-tick.js';
import { type Clock, systemClock } from './time/clock.js';
import { systemTicker } from './time/system-ticker.js';
import type { Ticker } from './time/ticker.js';
import { RAMPART_VERSION } from './version.js';

export interface RampartOptions {
  runtime: RuntimeConfig;
  logger?: Logger;
  clock?: Clock;
  ticker?: Ticker;
  registry?: Registry;
  /** Rollout specs; default: everything under runtime.specsDir. */
  specs?: LoadedSpec[];
  /** Re-read spec files when they change (default true when specs come from files). */
  watchSpecs?: boolean;
  /** Opens the store; default SQLite per runtime.store. */
  openStore?: (runtime: RuntimeConfig) => Promise<Store>;
}

export interface RunningRampart {
  url: string;
  port: number;
  controller: Controller;
  scheduler: Scheduler;
  store: Store;
  metricSource: ManagedMetricSource;
  tickLog: TickLog;
  registry: Registry;
  /** Finishes the tick in flight, stops serving, closes the store. Idempotent. */
  close(): Promise<void>;
}

/** Spec references that the configuration cannot satisfy, each naming the valid values. */
function checkReferences(specs: readonly LoadedSpec[], runtime: RuntimeConfig): Issue[] {
  const backends = Object.keys(runtime.flagBackends);
  const notifiers = Object.keys(runtime.notifiers);
  const issues: Issue[] = [];
  for (const { source, spec } of specs) {
    if (!backends.includes(spec.flag.backend)) {
      issues.push({
        source,
        path: 'flag.backend',
        message: `"${spec.flag.backend}" is not a flag backend of this rampart; configured: ${backends.join(', ') || 'none'}`,
      });
    }
    for (const [i, channel] of spec.notify.entries()) {
      if (!notifiers.includes(channel)) {
        issues.push({
          source,
          path: `notify[${i}]`,
          message: `"${channel}" is not a notifier of this rampart; configured: ${notifiers.join(', ') || 'none'}`,
        });
      }
    }
    const promql = spec.guardrails.find((g) => g.kind === 'promql');
    if (promql && runtime.metricSource.type !== 'prometheus') {
      issues.push({
        source,
        path: `guardrails.${promql.name}`,
        message: `raw promql guardrails need the prometheus metric source; this rampart uses ${runtime.metricSource.type}`,
      });
    }
  }
  return issues;
}

function listen(app: ReturnType<typeof createApp>, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new Error(
            `port ${port} on ${host} is in use: stop what runs there or set listen.port / RAMPART_PORT`,
          ),
        );
      } else reject(error);
    });
  });
}

function failUnsupportedStore(): never {
  throw new ValidationError([
    {
      source: 'rampart.yaml',
      path: 'store.url',
      message: 'postgres:// stores are not supported by this build yet; use sqlite:PATH',
    },
  ]);
}

/** The composition root: configuration in, a running controller with its HTTP API out. */
export async function startRampart(options: RampartOptions): Promise<RunningRampart> {
  const { runtime } = options;
  const logger = options.logger ?? createLogger();
  const clock = options.clock ?? systemClock;
  const ticker = options.ticker ?? systemTicker;
  const registry = options.registry ?? new Registry();
  const metrics = new RampartMetrics(registry, RAMPART_VERSION);

  let specs = options.specs;
  if (!specs) {
    const loaded = await loadRolloutSpecs([runtime.specsDir]);
    if (loaded.error) throw loaded.error;
    specs = loaded.specs;
  }
  const referenceIssues = checkReferences(specs, runtime);
  if (referenceIssues.length > 0) throw new ValidationError(referenceIssues);

  const store = options.openStore
    ? await options.openStore(runtime)
    : runtime.store.kind === 'sqlite'
      ? await openSqliteStore({ path: runtime.store.path })
      : failUnsupportedStore();

  const backends = new Map<string, FlagBackend>();
  for (const [name, config] of Object.entries(runtime.flagBackends)) {
    const backend = createFlagBackend(config, { clock, flags: store.flags }, `flagBackends.${name}`);
    backends.set(name, new InstrumentedFlagBackend(name, backend, metrics));
  }
  const flagBackend = (flag: RolloutSpec['flag']) => {
    const backend = backends.get(flag.backend);
    if (!backend) throw new Error(`no flag backend named ${flag.backend}`);
    return backend;
  };

  const metricSource = createMetricSource(runtime.metricSource, { clock, ticker });
  const measured = new InstrumentedMetricSource(runtime.metricSource.type, metricSource, metrics);

  const channels = new Map<string, Notifier>();
  for (const [name, config] of Object.entries(runtime.notifiers)) {
    channels.set(name, createNotifier(name, config, { http: axios.create(), logger }));
  }
  const notifier = new RolloutNotifier(channels, runtime.publicUrl);

  const controller = new Controller({
    store,
    flagBackend,
    verdictSource: new MetricVerdictSource(measured),
    clock,
    notifier,
    logger,
  });
  const tickLog = new TickLog();
  const scheduler = new Scheduler({
    controller,
    ticker,
    clock,
    logger,
    onTick: (rollout, report, seconds) => {
      tickLog.record(rollout, report, clock.now());
      recordTick(metrics, rollout, report, seconds);
    },
    onTickError: (rollout) => metrics.tickErrorsTotal.inc({ rollout }),
  });

  const watchers: { close(): void }[] = [];
  for (const { source, spec } of specs) {
    await controller.register(spec);
    notifier.route(spec.name, spec.notify);
    scheduler.add(spec.name, spec.tick);
    if (options.watchSpecs ?? options.specs === undefined) {
      watchers.push(
        watchSpecFile(source, {
          watcher: fsFileWatcher,
          logger,
          load: async (path) => {
            const { readFile } = await import('node:fs/promises');
            const parsed = parseRolloutSpec(await readFile(path, 'utf8'), path);
            if (!parsed.ok) throw parsed.error;
            return parsed.value;
          },
          apply: async (next) => {
            const result = await controller.reloadSpec(spec.name, next);
            if (result.status === 'applied') {
              notifier.route(spec.name, next.notify);
              scheduler.add(spec.name, next.tick);
            }
            return result;
          },
        }),
      );
    }
  }
  metricSource.start();

  const readiness: ReadinessCheck[] = [
    { name: 'store', check: async () => Array.isArray(await store.listRollouts()) },
    ...[...backends].map(([name, b]) => ({ name: `flagBackend:${name}`, check: () => b.isOnline() })),
    { name: `metricSource:${runtime.metricSource.type}`, check: () => metricSource.isOnline() },
  ];
  const clientTokens = Object.values(runtime.flagBackends).flatMap((b) =>
    b.type === 'embedded' ? (b.clientTokens ?? []) : [],
  );
  const app = createApp({
    controller,
    scheduler,
    store,
    flagBackend,
    tickLog,
    registry,
    metrics,
    tokens: runtime.apiTokens,
    logger,
    clock,
    version: RAMPART_VERSION,
    readiness,
    clientApi: clientTokens.length
      ? createClientApiRouter({
          source: clientFeatureSourceFromFlags(store.flags),
          tokens: clientTokens,
          registry,
        })
      : undefined,
  });
  const server = await listen(app, runtime.listen.host, runtime.listen.port);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : runtime.listen.port;
  logger.info(
    { host: runtime.listen.host, port, rollouts: specs.map((s) => s.spec.name) },
    'rampart listening',
  );

  let closing: Promise<void> | undefined;
  return {
    url: `http://${runtime.listen.host}:${port}`,
    port,
    controller,
    scheduler,
    store,
    metricSource,
    tickLog,
    registry,
    close() {
      closing ??= (async () => {
        for (const w of watchers) w.close();
        scheduler.stop();
        await scheduler.idle();
        metricSource.stop();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await store.close();
      })();
      return closing;
    },
  };
}
