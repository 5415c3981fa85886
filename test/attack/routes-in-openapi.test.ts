/**
 * The role matrix and the fuzzer attack what the served OpenAPI document lists, so every route the
 * app registers must be in it: a route added without documenting it fails here instead of escaping
 * the attack suite.
 */
import { Registry } from 'prom-client';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createClientApiRouter } from '../../src/http/routes/client-api.js';
import { ClientStreamHub } from '../../src/http/routes/client-stream-hub.js';
import { createStatusPage } from '../../src/http/status-page/create-status-page.js';
import { systemTicker } from '../../src/time/system-ticker.js';
import { makeApiHarness } from '../support/api-harness.js';
import { InMemoryClientFeatureSource } from '../support/in-memory-client-feature-source.js';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** `METHOD /path/{param}` of every route in an express router stack, nested routers included. */
function registeredRoutes(stack: readonly Layer[]): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
      return Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${path}`);
    }
    return layer.handle?.stack ? registeredRoutes(layer.handle.stack) : [];
  });
}

describe('the OpenAPI document lists every route', () => {
  it('has an operation for each route of the app (API, alerts, client API, health, status page)', async () => {
    const source = new InMemoryClientFeatureSource();
    const registry = new Registry();
    // Streaming on, as `rampart run` serves it with the embedded backend.
    const streams = new ClientStreamHub(source, { ticker: systemTicker }, registry);
    const clientApi = createClientApiRouter({ source, tokens: ['t'], registry, streams });
    const h = await makeApiHarness({ clientApi, statusPage: createStatusPage() });
    const routes = registeredRoutes((h.app as unknown as { router: { stack: Layer[] } }).router.stack);
    expect(routes.length).toBeGreaterThan(15);
    const doc = (await request(h.app).get('/api/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes.filter((r) => !documented.includes(r))).toEqual([]);
    expect(documented.filter((r) => !routes.includes(r))).toEqual([]);
  });
});
