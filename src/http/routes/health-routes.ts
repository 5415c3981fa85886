import { Router } from 'express';
import type { Registry } from 'prom-client';

/**
 * What one check found: true/false, or not ready with a reason people can act on (no secret in it),
 * or ready with a note on what is not there (e.g. a scrape source without targets).
 */
type CheckResult = boolean | { ok: true; note?: string } | { ok: false; reason: string };

/**
 * A dependency /readyz checks; `check` resolves false (or throws) when it is unreachable, or
 * `{ ok: false, reason }` when it answers but rampart cannot work with it (e.g. a rejected token).
 */
export interface ReadinessCheck {
  name: string;
  check(): Promise<CheckResult>;
}

interface Probed {
  /** 'ok', or why not: the check's reason, 'unreachable' (false, thrown) or a timeout. */
  found: string;
  note?: string;
}

function probed(r: CheckResult): Probed {
  if (typeof r === 'boolean') return { found: r ? 'ok' : 'unreachable' };
  if (!r.ok) return { found: r.reason };
  return r.note === undefined ? { found: 'ok' } : { found: 'ok', note: r.note };
}

async function probe(c: ReadinessCheck, timeoutMs: number): Promise<Probed> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Probed>((resolve) => {
    timer = setTimeout(() => resolve({ found: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  const answer = c.check().then(probed, () => ({ found: 'unreachable' }));
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
    const ready = results.every(([, p]) => p.found === 'ok');
    const notes = results.flatMap(([name, p]) => (p.note === undefined ? [] : [[name, p.note] as const]));
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not_ready',
      checks: Object.fromEntries(results.map(([name, p]) => [name, p.found])),
      // Ready, but worth knowing (a check's value stays 'ok' for clients that compare it).
      ...(notes.length > 0 ? { notes: Object.fromEntries(notes) } : {}),
      ...deps.info?.(),
    });
  });
  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', deps.registry.contentType);
    res.send(await deps.registry.metrics());
  });
  return router;
}
