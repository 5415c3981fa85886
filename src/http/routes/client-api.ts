import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler, type Router } from 'express';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { RequestError } from '../../errors/request-error.js';
import type { ClientFeatureSource } from '../../flag-backends/client-feature-source.js';
import { parseBody } from '../parse-body.js';
import { ClientEvaluationCounter, sharedCounter } from './client-evaluation-counter.js';
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
  bucket: z.object({
    toggles: z
      .record(z.string(), z.object({ yes: z.number().int().min(0), no: z.number().int().min(0) }))
      .default({}),
  }),
});

const ENDPOINTS = new Set(['/features', '/delta', '/register', '/metrics']);

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
      if (etagMatches(req.headers['if-none-match'], etag)) {
        requests.inc({ endpoint, status: '304' });
        res.status(304).end();
        return;
      }
      const features = snapshot.flags
        .filter((f) => f.environment === scope.environment)
        .filter((f) => scope.project === '*' || f.project === scope.project)
        .filter((f) => project === undefined || f.project === project)
        .filter((f) => f.name.startsWith(namePrefix))
        .map(toClientFeature);
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

  const json = express.json({ limit: '1mb' });

  router.post('/api/client/register', json, (req, res) => {
    parseBody(clientRegisterBody, req);
    requests.inc({ endpoint: '/register', status: '202' });
    res.status(202).end();
  });

  router.post('/api/client/metrics', json, async (req, res) => {
    const body = parseBody(clientMetricsBody, req);
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
