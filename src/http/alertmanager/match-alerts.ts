import { labelsMatch } from '../../rollout-spec/labels-match.js';
import type { AlertmanagerAlert } from './alertmanager-payload.js';

/** A rollout that listens to alerts: every label in `match` must be present with that value. */
export interface AlertSubscriber {
  rollout: string;
  match: Readonly<Record<string, string>>;
}

export interface AlertMatch {
  rollout: string;
  alert: AlertmanagerAlert;
  /** Stable per (alert, rollout): a repeated notification of the same firing alert maps to the same key. */
  dedupeKey: string;
}

export interface AlertRouting {
  /** Firing alerts matching a rollout: each becomes one rollback command. */
  rollbacks: AlertMatch[];
  /** Resolved alerts matching a rollout: audited only. */
  resolved: AlertMatch[];
  /** Alerts matching no rollout: counted and logged. */
  unmatched: AlertmanagerAlert[];
}

/** Routes alerts to rollouts (see labelsMatch: an empty matcher never matches). Pure. */
export function routeAlerts(alerts: readonly AlertmanagerAlert[], subscribers: readonly AlertSubscriber[]) {
  const routing: AlertRouting = { rollbacks: [], resolved: [], unmatched: [] };
  const seen = new Set<string>();
  for (const alert of alerts) {
    const hits = subscribers.filter((s) => labelsMatch(alert.labels, s.match));
    if (hits.length === 0) routing.unmatched.push(alert);
    for (const s of hits) {
      // startsAt separates a new firing of the same alert from a re-notification of the old one.
      const dedupeKey = `${s.rollout}/${alert.fingerprint}/${alert.startsAt}`;
      if (seen.has(`${alert.status}/${dedupeKey}`)) continue;
      seen.add(`${alert.status}/${dedupeKey}`);
      const target = alert.status === 'firing' ? routing.rollbacks : routing.resolved;
      target.push({ rollout: s.rollout, alert, dedupeKey });
    }
  }
  return routing;
}
