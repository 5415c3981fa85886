import { Router } from 'express';
import type { Logger } from 'pino';
import type { Controller } from '../../controller/controller.js';
import type { CommandGateway } from '../../leader/command-gateway.js';
import type { RampartMetrics } from '../../telemetry/rampart-metrics.js';
import { alertmanagerPayloadSchema } from '../alertmanager/alertmanager-payload.js';
import { type AlertMatch, routeAlerts } from '../alertmanager/match-alerts.js';
import { requireRole } from '../auth.js';
import { parseBody } from '../parse-body.js';

export interface AlertRoutesDeps {
  /** Which rollouts subscribe to alerts, and where resolved ones are audited. */
  controller: Pick<Controller, 'list' | 'recordResolvedAlert'>;
  /** Applies commands at once (leader) or queues them for the leader (follower). */
  commands: CommandGateway;
  metrics: Pick<RampartMetrics, 'alertsReceivedTotal'>;
  logger: Pick<Logger, 'info'>;
}

/** Remembers recently acted-on alerts; Alertmanager re-sends firing alerts every repeat_interval. */
class RecentKeys {
  private readonly keys = new Set<string>();
  constructor(private readonly max = 10_000) {}
  /** True the first time a key is seen (until it is evicted). */
  add(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.keys.size > this.max) {
      const oldest = this.keys.values().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
    return true;
  }
}

function describe(match: AlertMatch): string {
  const name = match.alert.labels.alertname ?? 'alert';
  const summary = match.alert.annotations.summary ?? match.alert.annotations.description;
  return `${name} ${match.alert.status}${summary ? `: ${summary}` : ''}`;
}

/**
 * Alertmanager webhook receiver (payload version 4). Each firing alert that matches a rollout's
 * `alerts.match` becomes one rollback command, applied at once; resolved ones are audited;
 * alerts for no rollout are counted and logged. Malformed bodies are 400s and never act.
 */
export function alertRoutes(deps: AlertRoutesDeps): Router {
  const router = Router();
  const recent = new RecentKeys();

  router.post('/api/alerts/alertmanager', requireRole('alert'), async (req, res) => {
    const payload = parseBody(alertmanagerPayloadSchema, req);
    const subscribers = (await deps.controller.list()).flatMap((s) =>
      s.spec.alerts ? [{ rollout: s.name, match: s.spec.alerts.match }] : [],
    );
    const routing = routeAlerts(payload.alerts, subscribers);
    const actor = `alertmanager:${req.principal?.name ?? 'unknown'}`;

    for (const alert of routing.unmatched) {
      deps.metrics.alertsReceivedTotal.inc({ status: alert.status, matched: 'false' });
      deps.logger.info({ fingerprint: alert.fingerprint, labels: alert.labels }, 'alert matches no rollout');
    }
    const fresh = routing.rollbacks.filter((m) => recent.add(`firing/${m.dedupeKey}`));
    const duplicates = routing.rollbacks.length - fresh.length;
    const results = await Promise.all(
      fresh.map(async (m) => {
        deps.metrics.alertsReceivedTotal.inc({ status: 'firing', matched: 'true' });
        const applied = await deps.commands.applyNow({
          rollout: m.rollout,
          kind: 'alert',
          actor,
          reason: describe(m),
          alert: { labels: m.alert.labels, fingerprint: m.alert.fingerprint, status: 'firing' },
        });
        return {
          rollout: m.rollout,
          fingerprint: m.alert.fingerprint,
          id: applied.id,
          status: applied.status,
          result: applied.result,
        };
      }),
    );
    for (const m of routing.resolved) {
      deps.metrics.alertsReceivedTotal.inc({ status: 'resolved', matched: 'true' });
      if (!recent.add(`resolved/${m.dedupeKey}`)) continue;
      await deps.controller.recordResolvedAlert({
        rollout: m.rollout,
        actor,
        reason: describe(m),
        fingerprint: m.alert.fingerprint,
        labels: m.alert.labels,
      });
    }
    res.status(202).json({
      rollbacks: results,
      duplicates,
      resolved: routing.resolved.length,
      unmatched: routing.unmatched.length,
    });
  });
  return router;
}
