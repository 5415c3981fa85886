import { Router } from 'express';
import type { Registry } from 'prom-client';

/** A dependency /readyz checks; `check` resolves false (or throws) when it is unreachable. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean>;
}

async function probe(c: ReadinessCheck, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([c.check().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface HealthRoutesDeps {
  registry: Registry;
  checks: readonly ReadinessCheck[];
  /** Extra facts for /readyz (e.g. leader identity). */
  info?: () => Record<string, unknown>;
}

/** Liveness, readiness (store, flag backends, metric source; plus extra facts such as the leader) and /metrics. */
export function healthRoutes(deps: HealthRoutesDeps): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(deps.checks.map(async (c) => [c.name, await probe(c, 2_000)] as const));
    const ready = results.every(([, ok]) => ok);
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not_ready',
      checks: Object.fromEntries(results.map(([name, ok]) => [name, ok ? 'ok' : 'unreachable'])),
      ...deps.info?.(),
    });
  });
  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', deps.registry.contentType);
    res.send(await deps.registry.metrics());
  });
  return router;
}
