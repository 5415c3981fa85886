import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler, type Router } from 'express';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { RequestError } from '../../errors/request-error.js';
import type { ClientFeatureSource, ClientFlagSnapshot } from '../../flag-backends/client-feature-source.js';
import type { FleetChannel, FleetTracker } from '../../flag-backends/fleet/fleet-tracker.js';
import { parseBody } from '../parse-body.js';
import { ClientEvaluationCounter, sharedCounter } from './client-evaluation-counter.js';
import type { ClientStreamHub } from './client-stream-hub.js';
import { toClientFeature } from './to-client-feature.js';

export interface ClientApiDeps {
  source: ClientFeatureSource;
  /**
   * Tokens SDKs may present (raw, as unleash-client sends them, or `Bearer x`). A token in Unleash's
   * format `<project>:<environment>.<secret>` sees only that environment (and project unless `*`).
   */
  tokens: readonly string[];
  /** Environment served to tokens that do not name one. */
  defaultEnvironment?: string;
  registry: Registry;
  /** Serves /api/client/streaming when set (else 404, and the SDK polls). */
  streams?: ClientStreamHub;
  /** Records which SDK instance fetched which revision (fleet confirmation of rollbacks). */
  fleet?: FleetTracker;
}

/** Where a token may read. */
interface Scope {
  project: string;
  environment: string;
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

function scopeOf(token: string, defaultEnvironment: string): Scope {
  const match = /^([^:]+):([^.]+)\..+$/.exec(token);
  return match?.[1] && match[2]
    ? { project: match[1], environment: match[2] }
    : { project: '*', environment: defaultEnvironment };
}

export const clientRegisterBody = z.object({ appName: z.string().min(1), instanceId: z.string().optional() });
export const clientMetricsBody = z.object({
  appName: z.string().min(1),
  instanceId: z.string().optional(),
  bucket: z.object({
    toggles: z
      .record(z.string(), z.object({ yes: z.number().int().min(0), no: z.number().int().min(0) }))
      .default({}),
  }),
});

const ENDPOINTS = new Set(['/features', '/delta', '/streaming', '/register', '/metrics']);

/** Instance ids are the SDK's own (hostname, pid or a uuid); bounded so a client cannot store megabytes. */
const MAX_ID_LENGTH = 200;

function header(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text ? text.slice(0, MAX_ID_LENGTH) : undefined;
}

/** Who is calling: unleash-client sends both headers on every request (body fields win on POSTs). */
function caller(req: express.Request, body?: { appName: string; instanceId?: string | undefined }) {
  return {
    appName: (body?.appName ?? header(req.headers['unleash-appname']) ?? 'unknown').slice(0, MAX_ID_LENGTH),
    instanceId: (body?.instanceId ?? header(req.headers['unleash-instanceid']) ?? 'unknown').slice(
      0,
      MAX_ID_LENGTH,
    ),
  };
}

/** The features of a snapshot a token may read, narrowed by the SDK's query. */
function featuresFor(
  snapshot: ClientFlagSnapshot,
  scope: Scope,
  project: string | undefined,
  namePrefix: string,
) {
  return snapshot.flags
    .filter((f) => f.environment === scope.environment)
    .filter((f) => scope.project === '*' || f.project === scope.project)
    .filter((f) => project === undefined || f.project === project)
    .filter((f) => f.name.startsWith(namePrefix))
    .map(toClientFeature);
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

/**
 * The part of Unleash's client API that unleash-client 6 uses, answered from rampart's own flags, so
 * unmodified SDKs can read the embedded backend: GET /api/client/features and /api/client/delta
 * (ETag, 304), POST /api/client/register and POST /api/client/metrics (202, counted). Its 401s are
 * counted by the app's failed-authentication limiter (createApp).
 */
export function createClientApiRouter(deps: ClientApiDeps): Router {
  const defaultEnvironment = deps.defaultEnvironment ?? 'production';
  const accepted = deps.tokens.map((token) => ({
    digest: digest(token),
    scope: scopeOf(token, defaultEnvironment),
  }));
  const requests = sharedCounter(
    deps.registry,
    'rampart_client_api_requests_total',
    'Requests to the Unleash-compatible client API, by endpoint and HTTP status.',
    ['endpoint', 'status'],
  );
  const evaluations = new ClientEvaluationCounter(deps.registry);
  const record = (
    req: express.Request,
    channel: FleetChannel,
    revision?: number,
    body?: { appName: string; instanceId?: string | undefined },
  ) => {
    if (!deps.fleet) return;
    const who = caller(req, body);
    if (revision === undefined || !Number.isFinite(revision))
      deps.fleet.seen(who.appName, who.instanceId, channel);
    else deps.fleet.fetched(who.appName, who.instanceId, channel, revision);
  };

  const authenticate: RequestHandler = (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const presented = digest(header.replace(/^Bearer\s+/i, ''));
    // Compare against every token so timing tells nothing about which one (or whether one) matched.
    let scope: Scope | undefined;
    for (const token of accepted) {
      if (timingSafeEqual(token.digest, presented) && scope === undefined) scope = token.scope;
    }
    if (scope === undefined) {
      requests.inc({ endpoint: ENDPOINTS.has(req.path) ? req.path : 'other', status: '401' });
      next(
        new RequestError(
          'unauthorized',
          header ? 'client token not accepted' : 'missing client token (Authorization header)',
        ),
      );
      return;
    }
    res.locals.scope = scope;
    next();
  };

  const router = express.Router();
  router.use('/api/client', authenticate);

  /**
   * The flags a token may read. `/features` answers Unleash's v2 list; `/delta` (unleash-client's
   * experimental delta polling) answers one `hydration` event with the full list every time: the SDK
   * replaces its flags on hydration, and it does not fall back to /features on a 404 or 501.
   */
  const serveFlags =
    (endpoint: '/features' | '/delta'): RequestHandler =>
    async (req, res) => {
      const scope = res.locals.scope as Scope;
      const project = typeof req.query.project === 'string' ? req.query.project : undefined;
      const namePrefix = typeof req.query.namePrefix === 'string' ? req.query.namePrefix : '';
      const snapshot = await deps.source.snapshot();
      const queryHash = createHash('sha256')
        .update(JSON.stringify([endpoint, scope, project ?? null, namePrefix]))
        .digest('hex')
        .slice(0, 8);
      const etag = `"${queryHash}:${snapshot.revision}"`;
      res.setHeader('ETag', etag);
      res.setHeader('Cache-Control', 'no-cache');
      // A 304 confirms the revision as much as a 200: the SDK already holds it.
      record(req, endpoint === '/delta' ? 'delta' : 'features', Number(snapshot.revision));
      if (etagMatches(req.headers['if-none-match'], etag)) {
        requests.inc({ endpoint, status: '304' });
        res.status(304).end();
        return;
      }
      const features = featuresFor(snapshot, scope, project, namePrefix);
      requests.inc({ endpoint, status: '200' });
      if (endpoint === '/delta') {
        const eventId = Number.parseInt(snapshot.revision, 10) || 0;
        res.json({ events: [{ eventId, type: 'hydration', features, segments: [] }] });
        return;
      }
      res.json({
        version: 2,
        features,
        query: {
          environment: scope.environment,
          project: project === undefined ? [scope.project] : [project],
        },
        meta: { revisionId: snapshot.revision, etag, queryHash },
      });
    };
  router.get('/api/client/features', serveFlags('/features'));
  router.get('/api/client/delta', serveFlags('/delta'));

  const { streams } = deps;
  if (streams) {
    router.get('/api/client/streaming', async (req, res) => {
      if (!streams.hasRoom()) {
        // unleash-client falls back to polling on 429 (as it does against Unleash's own limit).
        requests.inc({ endpoint: '/streaming', status: '429' });
        throw new RequestError('too_many_requests', 'too many streaming clients: poll instead', 60);
      }
      const scope = res.locals.scope as Scope;
      const project = typeof req.query.project === 'string' ? req.query.project : undefined;
      const namePrefix = typeof req.query.namePrefix === 'string' ? req.query.namePrefix : '';
      requests.inc({ endpoint: '/streaming', status: '200' });
      await streams.accept(res, {
        ...caller(req),
        render: (snapshot) => featuresFor(snapshot, scope, project, namePrefix),
      });
    });
  }

  const json = express.json({ limit: '1mb' });

  router.post('/api/client/register', json, (req, res) => {
    record(req, 'register', undefined, parseBody(clientRegisterBody, req));
    requests.inc({ endpoint: '/register', status: '202' });
    res.status(202).end();
  });

  router.post('/api/client/metrics', json, async (req, res) => {
    const body = parseBody(clientMetricsBody, req);
    record(req, 'metrics', undefined, body);
    const snapshot = await deps.source.snapshot();
    evaluations.count(body.bucket.toggles, new Set(snapshot.flags.map((f) => f.name)));
    requests.inc({ endpoint: '/metrics', status: '202' });
    res.status(202).end();
  });

  // A client token on a path rampart does not serve gets 404 here, not the API's authentication
  // below (a 401 there would count as a failed authentication of a valid client).
  router.use('/api/client', (req, _res, next) => {
    requests.inc({ endpoint: 'other', status: '404' });
    next(new RequestError('not_found', `the client API has no route ${req.method} ${req.path}`));
  });

  return router;
}
