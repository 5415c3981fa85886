import type { Server } from 'node:http';
import { hostname } from 'node:os';
import axios from 'axios';
import type { Router } from 'express';
import { sql } from 'kysely';
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
import { type CommandGateway, ReplicaCommandGateway } from './leader/command-gateway.js';
import { LeaderGatedFlagBackend } from './leader/leader-gated-flag-backend.js';
import type { Leadership, LeadershipEvents } from './leader/leadership.js';
import { COMMANDS_CHANNEL, PostgresLeaderElector } from './leader/postgres-leader-elector.js';
import { SoleLeadership } from './leader/sole-leadership.js';
import { createMetricSource, type ManagedMetricSource } from './metric-sources/create-metric-source.js';
import { createNotifier } from './notify/create-notifier.js';
import type { Notifier } from './notify/notifier.js';
import { RolloutNotifier } from './notify/rollout-notifier.js';
import { type LoadedSpec, loadRolloutSpecs } from './spec/load-spec-files.js';
import { parseRolloutSpec } from './spec/parse-rollout-spec.js';
import type { RolloutSpec } from './spec/rollout-spec-schema.js';
import { WriterFence } from './store/fence.js';
import { openPostgresStore } from './store/open-postgres-store.js';
import { openSqliteStore } from './store/open-sqlite-store.js';
import type { SqlStore } from './store/sql-store.js';
import type { Store } from './store/store.js';
import { createLogger } from './telemetry/create-logger.js';
import { InstrumentedFlagBackend } from './telemetry/instrumented-flag-backend.js';
import { InstrumentedMetricSource } from './telemetry/instrumented-metric-source.js';
import { RampartMetrics } from './telemetry/rampart-metrics.js';
import { recordTick } from './telemetry/record-tick.js';
import { type Clock, systemClock } from './time/clock.js';
import { systemTicker } from './time/system-ticker.js';
import type { Scheduled, Ticker } from './time/ticker.js';
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
  /** Opens the store; default SQLite or PostgreSQL per runtime.store. */
  openStore?: (runtime: RuntimeConfig) => Promise<Store>;
  /** This replica's id in /readyz and the leadership row; default $RAMPART_REPLICA_ID, else hostname:pid. */
  replicaId?: string;
  /** The status page, mounted at `/` after the API (see src/http/status-page/). */
  statusPage?: Router;
}

export interface RunningRampart {
  url: string;
  port: number;
  controller: Controller;
  scheduler: Scheduler;
  store: Store;
  /** Who acts: always this replica on SQLite, the advisory-lock holder on PostgreSQL. */
  leadership: Leadership;
  /** Where commands go: applied here when leading, queued for the leader otherwise. */
  commands: CommandGateway;
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

/** The leader's fallback for a lost NOTIFY: look for queued commands this often. */
const QUEUE_POLL_MS = 500;

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

  const replica = options.replicaId ?? process.env.RAMPART_REPLICA_ID ?? `${hostname()}:${process.pid}`;
  const fence = new WriterFence();
  let shared: SqlStore | undefined;
  let store: Store;
  if (options.openStore) store = await options.openStore(runtime);
  else if (runtime.store.kind === 'sqlite') store = await openSqliteStore({ path: runtime.store.path });
  else {
    const { url, password } = runtime.store;
    shared = await openPostgresStore({ url, password, fence });
    store = shared;
  }
  // Several replicas share a PostgreSQL store and elect one leader; alone on SQLite, one always leads.
  const leadership: Leadership =
    shared && runtime.store.kind === 'postgres'
      ? new PostgresLeaderElector({
          location: { url: runtime.store.url, password: runtime.store.password },
          replica,
          fence,
          clock,
          ticker,
          logger,
        })
      : new SoleLeadership(replica);

  const backends = new Map<string, FlagBackend>();
  for (const [name, config] of Object.entries(runtime.flagBackends)) {
    const backend = createFlagBackend(config, { clock, flags: store.flags }, `flagBackends.${name}`);
    backends.set(
      name,
      new LeaderGatedFlagBackend(new InstrumentedFlagBackend(name, backend, metrics), leadership),
    );
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

  // The newest spec of each rollout this replica knows; the leader registers these when elected.
  const latest = new Map(specs.map(({ spec }) => [spec.name, spec]));
  let queuePoll: Scheduled | undefined;
  const events: LeadershipEvents = {
    elected: async (epoch) => {
      for (const spec of latest.values()) {
        await controller.register(spec);
        // Deposed while registering: `deposed` already ran; adding ticks now would act as a follower.
        if (!leadership.isLeader()) return;
        notifier.route(spec.name, spec.notify);
        scheduler.add(spec.name, spec.tick);
      }
      if (shared) {
        const poller = shared;
        queuePoll = ticker.every(QUEUE_POLL_MS, () => {
          poller.queuedRollouts().then(
            (names) => {
              for (const name of names) if (latest.has(name)) void scheduler.runNow(name);
            },
            () => undefined,
          );
        });
      }
      metrics.leader.set(1);
      logger.info({ replica, epoch, rollouts: [...latest.keys()] }, 'leader: ticking rollouts');
    },
    deposed: (reason) => {
      scheduler.stop();
      queuePoll?.cancel();
      metrics.leader.set(0);
      logger.warn({ replica, reason }, 'no longer leader: stopped ticking rollouts');
    },
    commandQueued: (rollout) => {
      if (latest.has(rollout)) void scheduler.runNow(rollout);
    },
  };

  const watchers: { close(): void }[] = [];
  for (const { source, spec } of specs) {
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
            latest.set(spec.name, next);
            if (!leadership.isLeader()) return { status: 'unchanged' };
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
  metrics.leader.set(0);
  await leadership.start(events);
  metricSource.start();

  const commands = new ReplicaCommandGateway({
    leadership,
    local: scheduler,
    controller,
    notify: async (rollout) => {
      if (shared) await sql`select pg_notify(${COMMANDS_CHANNEL}, ${rollout})`.execute(shared.db);
    },
    clock,
    ticker,
  });
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
    commands,
    store,
    flagBackend,
    tickLog,
    registry,
    metrics,
    tokens: runtime.apiTokens,
    info: () => ({
      replica,
      role: leadership.isLeader() ? 'leader' : 'follower',
      leader: leadership.leader(),
    }),
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
    statusPage: options.statusPage,
  });
  let server: Server;
  try {
    server = await listen(app, runtime.listen.host, runtime.listen.port);
  } catch (error) {
    // Give the lock and the connections back, or the process (and the lock) would outlive the failure.
    for (const w of watchers) w.close();
    scheduler.stop();
    await leadership.stop();
    metricSource.stop();
    await store.close();
    throw error;
  }
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
    leadership,
    commands,
    metricSource,
    tickLog,
    registry,
    close() {
      closing ??= (async () => {
        for (const w of watchers) w.close();
        scheduler.stop();
        await scheduler.idle();
        await leadership.stop();
        metricSource.stop();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await store.close();
      })();
      return closing;
    },
  };
}
