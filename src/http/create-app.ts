import { randomUUID } from 'node:crypto';
import express, { type Express, type RequestHandler, type Router } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Controller } from '../controller/controller.js';
import { RequestError } from '../errors/request-error.js';
import type { FlagBackend } from '../flag-backends/flag-backend.js';
import type { CommandGateway } from '../leader/command-gateway.js';
import type { FlagRef } from '../rollout-spec/rollout-spec-schema.js';
import type { IdempotencyRecords } from '../store/store.js';
import type { RampartMetrics } from '../telemetry/rampart-metrics.js';
import type { Clock } from '../time/clock.js';
import { type ApiToken, authenticate, FailedAuthLimiter, limitFailedAuthentications } from './auth.js';
import { errorHandler } from './error-handler.js';
import { idempotency } from './idempotency.js';
import { openApiDocument } from './openapi.js';
import { alertRoutes } from './routes/alert-routes.js';
import { type HealthRoutesDeps, healthRoutes } from './routes/health-routes.js';
import { rolloutRoutes } from './routes/rollout-routes.js';
import { securityHeaders } from './security-headers.js';
import type { TickLog } from './tick-log.js';

/** The metrics registry (served at /metrics), rampart's own metrics and the log. */
export interface Observability {
  registry: Registry;
  metrics: RampartMetrics;
  logger: Logger;
}

export interface AppDeps {
  controller: Controller;
  /** Where commands and alerts go: the Scheduler, or with several replicas a ReplicaCommandGateway. */
  commands: CommandGateway;
  flagBackend: (flag: FlagRef) => FlagBackend;
  tickLog: TickLog;
  observability: Observability;
  tokens: readonly ApiToken[];
  /** Where the first answers of requests sent with an Idempotency-Key are kept (the store). */
  idempotency: IdempotencyRecords;
  clock: Clock;
  version: string;
  /** What /readyz checks, and extra facts it reports (e.g. leader identity). */
  readiness: Omit<HealthRoutesDeps, 'registry'>;
  /** Unleash-compatible client API of the embedded backend, mounted at /api/client. */
  clientApi?: Router;
  /** The status page, mounted at /. */
  statusPage?: Router;
  /** Bodies larger than this are refused with 413. */
  bodyLimit?: string;
  /**
   * Proxies (IPs or CIDRs, `listen.trustedProxies`) whose X-Forwarded-For and X-Forwarded-Proto are
   * believed. None by default: any local process could otherwise pick the address the failed-auth
   * limiter counts, or claim HTTPS.
   */
  trustedProxies?: readonly string[];
}

const requestId: RequestHandler = (req, res, next) => {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
  req.headers['x-request-id'] = id;
  res.setHeader('X-Request-Id', id);
  next();
};

/** One JSON log line per request with its id; reads at debug level, so a busy dashboard does not flood. */
function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      const fields = {
        requestId: req.headers['x-request-id'],
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Math.round((performance.now() - started) * 10) / 10,
        actor: req.principal?.name,
      };
      if (req.method === 'GET' && res.statusCode < 400) logger.debug(fields, 'request');
      else logger.info(fields, 'request');
    });
    next();
  };
}

/** Commands and alerts are JSON only; anything else is refused before it is parsed. */
const jsonOnly: RequestHandler = (req, res, next) => {
  if (req.method === 'POST' && !req.is('application/json')) {
    res.status(415).json({ code: 'unsupported_media_type', message: 'send Content-Type: application/json' });
    return;
  }
  next();
};

/** Runs the body parser for POST only: reads carry no body, and the API is read far more than written. */
function postBodies(parser: RequestHandler): RequestHandler {
  return (req, res, next) => (req.method === 'POST' ? parser(req, res, next) : next());
}

/** Builds rampart's HTTP app. It never listens by itself: the caller (or supertest) does. */
export function createApp(deps: AppDeps): Express {
  const { registry, metrics, logger } = deps.observability;
  const { controller, commands, clock } = deps;
  const app = express();
  app.disable('x-powered-by');
  const proxies = deps.trustedProxies ?? [];
  app.set('trust proxy', proxies.length > 0 ? [...proxies] : false);
  app.use(requestId);
  app.use(requestLog(logger));
  app.use(securityHeaders());

  app.use(healthRoutes({ registry, ...deps.readiness }));
  const openapi = openApiDocument(deps.version);
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  // The client API (its routes carry their full /api/client/... paths) parses its own bodies (SDK
  // metrics can be large); mount it before the API limits.
  if (deps.clientApi) app.use(deps.clientApi);
  // Authenticate before reading the body: an unauthenticated request gets 401 whatever it sends.
  app.use(
    '/api',
    authenticate(deps.tokens),
    jsonOnly,
    postBodies(express.json({ limit: deps.bodyLimit ?? '256kb', strict: true })),
    // Every POST route (commands, alerts, routes added later) honours Idempotency-Key.
    idempotency({ records: deps.idempotency, clock, logger }),
  );
  const { flagBackend, tickLog } = deps;
  app.use(rolloutRoutes({ controller, commands, flagBackend, tickLog, metrics, clock }));
  app.use(alertRoutes({ controller, commands, metrics, logger }));
  if (deps.statusPage) app.use(deps.statusPage);
  app.use((req, _res, next) => {
    next(new RequestError('not_found', `no route ${req.method} ${req.path}`));
  });
  // One limiter for every 401 of the app, the client API's included.
  app.use(limitFailedAuthentications(new FailedAuthLimiter(clock)));
  app.use(errorHandler(logger));
  return app;
}
