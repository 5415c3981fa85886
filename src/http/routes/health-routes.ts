import { Router } from 'express';
import type { Registry } from 'prom-client';

/** What one check found: true/false, or not ready with a reason people can act on (no secret in it). */
type CheckResult = boolean | { ok: true } | { ok: false; reason: string };

/**
 * A dependency /readyz checks; `check` resolves false (or throws) when it is unreachable, or
 * `{ ok: false, reason }` when it answers but rampart cannot work with it (e.g. a rejected token).
 */
export interface ReadinessCheck {
  name: string;
  check(): Promise<CheckResult>;
}

/** 'ok', or why not: the check's reason, 'unreachable' (false, thrown) or a timeout. */
async function probe(c: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
  });
  const answer = c.check().then(
    (r) =>
      r === true || (typeof r === 'object' && r.ok) ? 'ok' : typeof r === 'object' ? r.reason : 'unreachable',
    () => 'unreachable',
  );
  try {
    return await Promise.race([answer, timeout]);
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
    const ready = results.every(([, found]) => found === 'ok');
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not_ready',
      checks: Object.fromEntries(results),
      ...deps.info?.(),
    });
  });
  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', deps.registry.contentType);
    res.send(await deps.registry.metrics());
  });
  return router;
}
