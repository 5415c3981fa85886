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
import { exposureBodySchema } from './exposure-schema.js';

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
  const security = [{ bearer: [] }];
  registry.registerPath({
    method: 'get',
    path: '/api/rollouts',
    summary: 'List rollouts with phase, step and percentage',
    security,
    responses: { 200: { description: 'Rollouts' }, 401: errors[401], 403: errors[403] },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/rollouts/{name}',
    summary: 'One rollout: flag read back, latest verdicts with evidence, conditions of the next advance',
    security,
    request: { params: nameParam },
    responses: { 200: { description: 'Rollout detail' }, 401: errors[401], 404: errors[404] },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/rollouts/{name}/audit',
    summary: 'Audit log of a rollout, oldest first (order=desc: newest first), paged by cursor',
    security,
    request: { params: nameParam, query: auditQuerySchema },
    responses: { 200: { description: 'Audit entries and nextCursor' }, 400: errors[400], 404: errors[404] },
  });
  for (const kind of COMMAND_ROUTES) {
    registry.registerPath({
      method: 'post',
      path: `/api/rollouts/{name}/${kind}`,
      summary: `${kind[0]?.toUpperCase()}${kind.slice(1)} a rollout (operator or admin)`,
      security,
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
    request: { body: json(alertmanagerPayloadSchema) },
    responses: {
      202: { description: 'Alerts routed' },
      400: errors[400],
      401: errors[401],
      403: errors[403],
    },
  });
  for (const path of ['/healthz', '/readyz', '/metrics']) {
    registry.registerPath({ method: 'get', path, responses: { 200: { description: 'OK' } } });
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
