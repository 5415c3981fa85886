import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { alertmanagerPayloadSchema } from './alertmanager/alertmanager-payload.js';
import {
  auditQuerySchema,
  COMMAND_ROUTES,
  commandAcceptedSchema,
  commandBodySchema,
  errorBodySchema,
  idempotencyHeadersSchema,
} from './api-schemas.js';
import { type Capability, rolesFor } from './auth.js';
import { exposureBodySchema } from './exposure-schema.js';
import { clientMetricsBody, clientRegisterBody } from './routes/client-api.js';

const json = <S extends z.ZodType>(schema: S) => ({ content: { 'application/json': { schema } } });
const errors = {
  400: { description: 'Invalid body or query', ...json(errorBodySchema) },
  401: { description: 'Missing or unknown token', ...json(errorBodySchema) },
  403: { description: 'The token role may not do this', ...json(errorBodySchema) },
  404: { description: 'No such rollout', ...json(errorBodySchema) },
  409: {
    description: 'Not valid in the current phase, or the request with this Idempotency-Key is still running',
    ...json(errorBodySchema),
  },
  422: { description: 'This Idempotency-Key was used with another body', ...json(errorBodySchema) },
  429: { description: 'Too many failed authentications', ...json(errorBodySchema) },
};
const nameParam = z.object({ name: z.string() });
/** `x-rampart-roles`: the token roles a route admits, so clients (and the attack suite) need not guess. */
const roles = (capability: Capability) => ({ 'x-rampart-roles': [...rolesFor(capability)] });

/** The OpenAPI 3.1 document of rampart's API, generated from the same zod schemas the routes parse with. */
export function openApiDocument(version: string): object {
  const paths = new OpenAPIRegistry();
  // Every state-changing route honours Idempotency-Key (the middleware covers every POST).
  const registry = {
    registerComponent: paths.registerComponent.bind(paths),
    registerPath(route: RouteConfig) {
      if (route.method !== 'post') return paths.registerPath(route);
      return paths.registerPath({
        ...route,
        request: { ...route.request, headers: idempotencyHeadersSchema },
        responses: { ...route.responses, 409: errors[409], 422: errors[422] },
      });
    },
  };
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  registry.registerComponent('securitySchemes', 'clientToken', {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
  });
  const security = [{ bearer: [] }];
  registry.registerPath({
    method: 'get',
    path: '/api/rollouts',
    summary: 'List rollouts with phase, step and percentage',
    security,
    ...roles('read'),
    responses: { 200: { description: 'Rollouts' }, 401: errors[401], 403: errors[403] },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/rollouts/{name}',
    summary: 'One rollout: flag read back, latest verdicts with evidence, conditions of the next advance',
    security,
    ...roles('read'),
    request: { params: nameParam },
    responses: { 200: { description: 'Rollout detail' }, 401: errors[401], 404: errors[404] },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/rollouts/{name}/audit',
    summary: 'Audit log of a rollout, oldest first (order=desc: newest first), paged by cursor',
    security,
    ...roles('read'),
    request: { params: nameParam, query: auditQuerySchema },
    responses: { 200: { description: 'Audit entries and nextCursor' }, 400: errors[400], 404: errors[404] },
  });
  for (const kind of COMMAND_ROUTES) {
    registry.registerPath({
      method: 'post',
      path: `/api/rollouts/{name}/${kind}`,
      summary: `${kind[0]?.toUpperCase()}${kind.slice(1)} a rollout (operator or admin)`,
      security,
      ...roles('command'),
      request: { params: nameParam, body: json(commandBodySchema) },
      responses: {
        202: { description: 'Command accepted and applied', ...json(commandAcceptedSchema) },
        ...errors,
      },
    });
  }
  registry.registerPath({
    method: 'post',
    path: '/api/rollouts/{name}/exposure',
    summary:
      'Who had the flag on in a window (a read): per account exposed / not exposed / undecided with the reason, or the estimated share',
    security,
    ...roles('read'),
    request: { params: nameParam, body: json(exposureBodySchema) },
    responses: {
      200: {
        description: 'Exposure report: the timeline in the window, the estimate, the per-account results',
      },
      400: errors[400],
      401: errors[401],
      404: errors[404],
      413: { description: 'Body over the size limit (send at most 2000 accounts per request)' },
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/alerts/alertmanager',
    summary: 'Alertmanager webhook (version 4): matching firing alerts roll back',
    security,
    ...roles('alert'),
    request: { body: json(alertmanagerPayloadSchema) },
    responses: {
      202: { description: 'Alerts routed' },
      400: errors[400],
      401: errors[401],
      403: errors[403],
    },
  });
  // The client API is mounted before the idempotency middleware: SDK posts carry no key.
  clientApiPaths(paths);
  for (const path of ['/healthz', '/readyz', '/metrics', '/api/openapi.json']) {
    registry.registerPath({ method: 'get', path, responses: { 200: { description: 'OK' } } });
  }
  // The status page: public HTML and assets without data; the page reads the API with a token.
  for (const path of ['/', '/status-page/status-page.js', '/status-page/status-page.css']) {
    registry.registerPath({ method: 'get', path, responses: { 200: { description: 'Status page' } } });
  }
  return new OpenApiGeneratorV31(paths.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'rampart',
      version,
      description: 'Deployment-safety controller for feature-flag rollouts',
    },
  });
}

/** The Unleash-compatible client API of the embedded backend (served when it is configured). */
function clientApiPaths(registry: OpenAPIRegistry): void {
  const security = [{ clientToken: [] }];
  const unauthorized = { description: 'Missing or unknown client token', ...json(errorBodySchema) };
  const flagQuery = z.object({ project: z.string().optional(), namePrefix: z.string().optional() });
  for (const path of ['/api/client/features', '/api/client/delta']) {
    registry.registerPath({
      method: 'get',
      path,
      summary: 'Flags for unleash-client SDKs (ETag, 304)',
      security,
      request: { query: flagQuery },
      responses: { 200: { description: 'Flags' }, 304: { description: 'Not modified' }, 401: unauthorized },
    });
  }
  registry.registerPath({
    method: 'get',
    path: '/api/client/streaming',
    summary: 'Server-sent events for unleash-client streaming mode: the flags on connect and on every change',
    security,
    responses: {
      200: { description: 'text/event-stream' },
      401: unauthorized,
      429: { description: 'Too many streams: the SDK falls back to polling', ...json(errorBodySchema) },
    },
  });
  for (const [path, body] of [
    ['/api/client/register', clientRegisterBody],
    ['/api/client/metrics', clientMetricsBody],
  ] as const) {
    registry.registerPath({
      method: 'post',
      path,
      summary: 'SDK registration and evaluation counts',
      security,
      request: { body: json(body) },
      responses: { 202: { description: 'Accepted' }, 400: errors[400], 401: unauthorized },
    });
  }
}
