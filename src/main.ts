import type { Server } from 'node:http';
import { hostname } from 'node:os';
import type { Router } from 'express';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { createClientApi } from './compose/create-client-api.js';
import { createFlagBackends } from './compose/create-flag-backends.js';
import { openStoreAndLeadership } from './compose/open-store.js';
import { readinessChecks } from './compose/readiness-checks.js';
import { watchSpecFiles } from './compose/watch-spec-files.js';
import { checkSpecReferences } from './config/check-spec-references.js';
import type { RuntimeConfig } from './config/resolve-config.js';
import { Controller } from './controller/controller.js';
import { MetricVerdictSource } from './controller/metric-verdict-source.js';
import { Scheduler } from './controller/scheduler.js';
import { type FileWatcher, fsFileWatcher } from './controller/spec-watcher.js';
import { ValidationError } from './errors/validation-error.js';
import { createApp } from './http/create-app.js';
import { listen } from './http/listen.js';
import { createStatusPage } from './http/status-page/create-status-page.js';
import { TickLog } from './http/tick-log.js';
import { type CommandGateway, ReplicaCommandGateway } from './leader/command-gateway.js';
import { LeaderDuties } from './leader/leader-duties.js';
import type { Leadership } from './leader/leadership.js';
import { COMMANDS_CHANNEL } from './leader/postgres-leader-elector.js';
import { createMetricSource, type ManagedMetricSource } from './metric-sources/create-metric-source.js';
import { RolloutNotifier } from './notify/rollout-notifier.js';
import { type LoadedSpec, loadRolloutSpecs } from './rollout-spec/load-spec-files.js';
import type { Store } from './store/store.js';
import { createLogger } from './telemetry/create-logger.js';
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
  /** Watch specsDir for new, changed and removed spec files (default true when specs come from files). */
  watchSpecs?: boolean;
  /** How specsDir is watched (default fs.watch on its directories). */
  fileWatcher?: FileWatcher;
  /** Opens the store; default SQLite or PostgreSQL per runtime.store. */
  openStore?: (runtime: RuntimeConfig) => Promise<Store>;
  /** This replica's id in /readyz and the leadership row; default $RAMPART_REPLICA_ID, else hostname:pid. */
  replicaId?: string;
  /** The status page at `/` (src/http/status-page/); every replica serves it unless `false`. */
  statusPage?: Router | false;
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

/** The composition root: configuration in, a running controller with its HTTP API out. */
export async function startRampart(options: RampartOptions): Promise<RunningRampart> {
  const { runtime } = options;
  const logger = options.logger ?? createLogger();
  const clock = options.clock ?? systemClock;
  const ticker = options.ticker ?? systemTicker;
  const registry = options.registry ?? new Registry();
  const metrics = new RampartMetrics(registry, RAMPART_VERSION);
  // Allowed but probably not meant (0.0.0.0, no tokens, a short token): said once, before anything runs.
  for (const warning of runtime.warnings ?? []) logger.warn(`configuration: ${warning}`);

  let specs = options.specs;
  if (!specs) {
    const loaded = await loadRolloutSpecs([runtime.specsDir]);
    if (loaded.error) throw loaded.error;
    specs = loaded.specs;
  }
  const referenceIssues = checkSpecReferences(specs, runtime);
  if (referenceIssues.length > 0) throw new ValidationError(referenceIssues);

  const replica = options.replicaId ?? process.env.RAMPART_REPLICA_ID ?? `${hostname()}:${process.pid}`;
  const { store, shared, leadership } = await openStoreAndLeadership(runtime, {
    replica,
    clock,
    ticker,
    logger,
    open: options.openStore,
  });

  const backends = createFlagBackends(runtime, { clock, store, metrics, leadership });
  const flagBackend = backends.forFlag;

  const metricSource = createMetricSource(runtime.metricSource, { clock, ticker });
  const measured = new InstrumentedMetricSource(runtime.metricSource.type, metricSource, metrics);

  const notifier = RolloutNotifier.fromConfig(runtime.notifiers, runtime.publicUrl, logger);

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

  const duties = new LeaderDuties(
    {
      controller,
      scheduler,
      notifier,
      leadership,
      metrics,
      logger,
      ticker,
      clock,
      store,
      queuedRollouts: shared ? () => shared.queuedRollouts() : undefined,
    },
    specs.map((s) => s.spec),
  );
  const specWatch =
    (options.watchSpecs ?? options.specs === undefined)
      ? watchSpecFiles(runtime, specs, duties, {
          watcher: options.fileWatcher ?? fsFileWatcher,
          ticker,
          logger,
        })
      : undefined;
  metrics.leader.set(0);
  await leadership.start(duties.events);
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
  const readiness = readinessChecks({
    store,
    backends: backends.byName,
    metricSource,
    metricSourceType: runtime.metricSource.type,
  });
  const app = createApp({
    controller,
    commands,
    flagBackend,
    tickLog,
    observability: { registry, metrics, logger },
    tokens: runtime.apiTokens,
    idempotency: store.idempotency,
    trustedProxies: runtime.listen.trustedProxies,
    clock,
    version: RAMPART_VERSION,
    readiness: {
      checks: readiness,
      info: () => ({
        replica,
        role: leadership.isLeader() ? 'leader' : 'follower',
        leader: leadership.leader(),
      }),
    },
    clientApi: createClientApi(runtime, store, registry),
    statusPage: options.statusPage === false ? undefined : (options.statusPage ?? createStatusPage()),
  });
  let server: Server;
  try {
    server = await listen(app, runtime.listen.host, runtime.listen.port);
  } catch (error) {
    // Give the lock and the connections back, or the process (and the lock) would outlive the failure.
    specWatch?.close();
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
        specWatch?.close();
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
