import { Router } from 'express';
import type { Logger } from 'pino';
import type { Controller } from '../../controller/controller.js';
import type { ResolvedAlert } from '../../controller/resolved-alert.js';
import type { CommandGateway } from '../../leader/command-gateway.js';
import type { RampartMetrics } from '../../telemetry/rampart-metrics.js';
import { alertmanagerPayloadSchema } from '../alertmanager/alertmanager-payload.js';
import { type AlertMatch, routeAlerts } from '../alertmanager/match-alerts.js';
import { requireRole } from '../auth.js';
import { parseBody } from '../parse-body.js';

export interface AlertRoutesDeps {
  /** Which rollouts subscribe to alerts, and where resolved ones are audited. */
  controller: Pick<Controller, 'list' | 'recordResolvedAlerts' | 'commandByDedupeKey'>;
  /** Applies commands at once (leader) or queues them for the leader (follower). */
  commands: CommandGateway;
  metrics: Pick<RampartMetrics, 'alertsReceivedTotal'>;
  logger: Pick<Logger, 'info'>;
}

/**
 * The dedupe key of the command a firing alert becomes. It is stored with the command, so a
 * notification Alertmanager re-sends (every repeat_interval, or after rampart restarted) finds the
 * command and is not applied again; startsAt tells a new firing of the same alert from a re-send.
 */
function alertKey(match: AlertMatch): string {
  return `alert/${match.dedupeKey}`;
}

function describe(match: AlertMatch): string {
  const name = match.alert.labels.alertname ?? 'alert';
  const summary = match.alert.annotations.summary ?? match.alert.annotations.description;
  return `${name} ${match.alert.status}${summary ? `: ${summary}` : ''}`;
}

/**
 * Alertmanager webhook receiver (payload version 4). Each firing alert that matches a rollout's
 * `alerts.match` becomes one rollback command, applied at once and only once (a re-sent alert,
 * even after a restart, finds its stored command); a resolved one is audited once if its firing
 * was acted on; alerts for no rollout are counted and logged. Malformed bodies are 400s and never act.
 */
export function alertRoutes(deps: AlertRoutesDeps): Router {
  const router = Router();
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
    const fresh: AlertMatch[] = [];
    for (const m of routing.rollbacks) {
      if (!(await deps.controller.commandByDedupeKey(alertKey(m)))) fresh.push(m);
    }
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
          dedupeKey: alertKey(m),
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
    // Audited once per firing that was acted on: re-sent or never-acted-on resolutions write nothing.
    const byRollout = new Map<string, ResolvedAlert[]>();
    for (const m of routing.resolved) {
      deps.metrics.alertsReceivedTotal.inc({ status: 'resolved', matched: 'true' });
      const list = byRollout.get(m.rollout) ?? [];
      list.push({
        rollout: m.rollout,
        firingKey: alertKey(m),
        actor,
        reason: describe(m),
        fingerprint: m.alert.fingerprint,
        labels: m.alert.labels,
      });
      byRollout.set(m.rollout, list);
    }
    let audited = 0;
    for (const [rollout, alerts] of byRollout)
      audited += await deps.controller.recordResolvedAlerts(rollout, alerts);
    res.status(202).json({
      rollbacks: results,
      duplicates,
      resolved: routing.resolved.length,
      resolvedAudited: audited,
      unmatched: routing.unmatched.length,
    });
  });
  return router;
}
