import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler, type Router } from 'express';
import { Counter, type Registry } from 'prom-client';
import { z } from 'zod';
import { RequestError } from '../../errors/request-error.js';
import type { ClientFeatureSource, ClientFlag } from '../../flag-backends/client-feature-source.js';
import type { FlagConstraint } from '../../rollout-spec/flag-scope.js';
import { parseBody } from '../parse-body.js';

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

function counter<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: L[],
): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

const registerBody = z.object({ appName: z.string().min(1), instanceId: z.string().optional() });
const metricsBody = z.object({
  appName: z.string().min(1),
  bucket: z.object({
    toggles: z
      .record(z.string(), z.object({ yes: z.number().int().min(0), no: z.number().int().min(0) }))
      .default({}),
  }),
});

/** A constraint as Unleash serves it: list operators carry `values`, the others `value` and `values: []`. */
function toClientConstraint(c: FlagConstraint) {
  return {
    contextName: c.contextName,
    operator: c.operator,
    values: c.values ?? [],
    ...(c.value === undefined ? {} : { value: c.value }),
    inverted: c.inverted,
    caseInsensitive: c.caseInsensitive,
  };
}

/** The feature list in the shape Unleash's client API (v2) answers and unleash-client 6 parses. */
function toFeature(flag: ClientFlag) {
  return {
    name: flag.name,
    type: 'release',
    enabled: flag.enabled,
    project: flag.project,
    stale: false,
    impressionData: false,
    strategies: [
      {
        name: 'flexibleRollout',
        constraints: flag.constraints.map(toClientConstraint),
        parameters: { rollout: String(flag.percentage), stickiness: flag.stickiness, groupId: flag.groupId },
        variants: [],
      },
    ],
    variants: [],
  };
}

const ENDPOINTS = new Set(['/features', '/register', '/metrics']);

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

/**
 * The part of Unleash's client API that unleash-client 6 uses, answered from rampart's own flags, so
 * unmodified SDKs can read the embedded backend: GET /api/client/features (ETag, 304),
 * POST /api/client/register and POST /api/client/metrics (202, counted).
 */
export function createClientApiRouter(deps: ClientApiDeps): Router {
  const defaultEnvironment = deps.defaultEnvironment ?? 'production';
  const accepted = deps.tokens.map((token) => ({
    digest: digest(token),
    scope: scopeOf(token, defaultEnvironment),
  }));
  const requests = counter(
    deps.registry,
    'rampart_client_api_requests_total',
    'Requests to the Unleash-compatible client API, by endpoint and HTTP status.',
    ['endpoint', 'status'],
  );
  const evaluations = counter(
    deps.registry,
    'rampart_client_flag_evaluations_total',
    'Flag evaluations reported by unleash-client SDKs in their metrics, by flag and result.',
    ['flag', 'enabled'],
  );

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

  router.get('/api/client/features', async (req, res) => {
    const scope = res.locals.scope as Scope;
    const project = typeof req.query.project === 'string' ? req.query.project : undefined;
    const namePrefix = typeof req.query.namePrefix === 'string' ? req.query.namePrefix : '';
    const snapshot = await deps.source.snapshot();
    const queryHash = createHash('sha256')
      .update(JSON.stringify([scope, project ?? null, namePrefix]))
      .digest('hex')
      .slice(0, 8);
    const etag = `"${queryHash}:${snapshot.revision}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'no-cache');
    if (etagMatches(req.headers['if-none-match'], etag)) {
      requests.inc({ endpoint: '/features', status: '304' });
      res.status(304).end();
      return;
    }
    const features = snapshot.flags
      .filter((f) => f.environment === scope.environment)
      .filter((f) => scope.project === '*' || f.project === scope.project)
      .filter((f) => project === undefined || f.project === project)
      .filter((f) => f.name.startsWith(namePrefix))
      .map(toFeature);
    requests.inc({ endpoint: '/features', status: '200' });
    res.json({
      version: 2,
      features,
      query: { environment: scope.environment, project: project === undefined ? [scope.project] : [project] },
      meta: { revisionId: snapshot.revision, etag, queryHash },
    });
  });

  const json = express.json({ limit: '1mb' });

  router.post('/api/client/register', json, (req, res) => {
    parseBody(registerBody, req);
    requests.inc({ endpoint: '/register', status: '202' });
    res.status(202).end();
  });

  router.post('/api/client/metrics', json, (req, res) => {
    const body = parseBody(metricsBody, req);
    for (const [flag, { yes, no }] of Object.entries(body.bucket.toggles)) {
      if (yes > 0) evaluations.inc({ flag, enabled: 'true' }, yes);
      if (no > 0) evaluations.inc({ flag, enabled: 'false' }, no);
    }
    requests.inc({ endpoint: '/metrics', status: '202' });
    res.status(202).end();
  });

  return router;
}
