import { Router } from 'express';
import type { Controller } from '../../controller/controller.js';
import { ValidationError } from '../../errors/validation-error.js';
import type { FlagBackend } from '../../flag-backends/flag-backend.js';
import type { CommandGateway } from '../../leader/command-gateway.js';
import type { FlagRef } from '../../rollout-spec/rollout-spec-schema.js';
import type { RampartMetrics } from '../../telemetry/rampart-metrics.js';
import type { Clock } from '../../time/clock.js';
import { auditQuerySchema, COMMAND_ROUTES, commandBodySchema } from '../api-schemas.js';
import { requireRole } from '../auth.js';
import { parseBody } from '../parse-body.js';
import { rolloutDetail, rolloutSummary } from '../rollout-view.js';
import type { TickLog } from '../tick-log.js';

export interface RolloutRoutesDeps {
  /** The reads: rollouts, one rollout's state, its audit log. */
  controller: Pick<Controller, 'list' | 'status' | 'audit'>;
  /** Applies commands at once (leader) or queues them for the leader (follower). */
  commands: CommandGateway;
  /** For the detail view's flag read-back. */
  flagBackend: (flag: FlagRef) => Pick<FlagBackend, 'read'>;
  tickLog: Pick<TickLog, 'get'>;
  metrics: Pick<RampartMetrics, 'commandsTotal'>;
  clock: Clock;
  /** A flag read for the detail view may take no longer than this. */
  readBackTimeoutMs?: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function rolloutRoutes(deps: RolloutRoutesDeps): Router {
  const router = Router();
  const read = requireRole('read');
  const command = requireRole('command');

  router.get('/api/rollouts', read, async (_req, res) => {
    const states = await deps.controller.list();
    const now = deps.clock.now();
    res.json({ rollouts: states.map((s) => rolloutSummary(s, now)) });
  });

  router.get('/api/rollouts/:name', read, async (req, res) => {
    const state = await deps.controller.status(req.params.name as string);
    const backend = deps.flagBackend(state.spec.flag);
    const flag = await withTimeout(
      backend.read(state.spec.flag),
      deps.readBackTimeoutMs ?? 2_000,
      'flag read-back',
    ).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    res.json(rolloutDetail(state, deps.tickLog.get(state.name), flag, deps.clock.now()));
  });

  router.get('/api/rollouts/:name/audit', read, async (req, res) => {
    const parsed = auditQuerySchema.safeParse(req.query);
    if (!parsed.success) {
      throw new ValidationError(
        parsed.error.issues.map((i) => ({ source: 'query', path: i.path.join('.'), message: i.message })),
      );
    }
    const name = req.params.name as string;
    await deps.controller.status(name);
    const { limit, cursor, order } = parsed.data;
    // The cursor is the last seq of the previous page: later entries oldest-first, earlier ones newest-first.
    const entries = await deps.controller.audit({
      rollout: name,
      order,
      ...(order === 'asc' ? { afterSeq: cursor } : { beforeSeq: cursor }),
      limit: limit + 1,
    });
    const page = entries.slice(0, limit);
    const last = page.at(-1);
    res.json({ entries: page, nextCursor: entries.length > limit && last ? last.seq : null });
  });

  for (const kind of COMMAND_ROUTES) {
    router.post(`/api/rollouts/:name/${kind}`, command, async (req, res) => {
      const body = parseBody(commandBodySchema, req);
      if (body.full !== undefined && kind !== 'promote') {
        throw new ValidationError([
          { source: `POST ${req.originalUrl} body`, path: 'full', message: 'only promote takes "full"' },
        ]);
      }
      const rollout = req.params.name as string;
      const by = {
        rollout,
        actor: req.principal?.name ?? 'unknown',
        reason: body.reason,
        // With an Idempotency-Key, a retry finds this command instead of queueing a second one.
        ...(req.dedupeKey === undefined ? {} : { dedupeKey: req.dedupeKey }),
      };
      const applied = await deps.commands.applyNow(
        kind === 'promote' ? { ...by, kind, full: body.full ?? false } : { ...by, kind },
      );
      deps.metrics.commandsTotal.inc({ rollout, command: kind });
      const state = await deps.controller.status(rollout);
      res.status(202).json({
        id: applied.id,
        command: kind,
        status: applied.status,
        result: applied.result,
        phase: state.phase,
        percentage: state.percentage,
      });
    });
  }
  return router;
}
