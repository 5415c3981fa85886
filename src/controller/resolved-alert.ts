import { type AuditDraft, auditEntry } from '../rollout/audit.js';
import type { RolloutState } from '../rollout/rollout-state.js';

/** An Alertmanager alert for a rollout that stopped firing. */
export interface ResolvedAlert {
  rollout: string;
  /** The dedupe key of the firing alert's command: audited only if that firing was acted on. */
  firingKey: string;
  actor: string;
  reason: string;
  fingerprint: string;
  labels: Record<string, string>;
}

/** The audit entry of a resolved alert: it changes nothing (a rollback it caused stays). */
export function resolvedAlertAudit(state: RolloutState, alert: ResolvedAlert, at: Date): AuditDraft {
  return auditEntry(state, state, {
    at,
    actor: alert.actor,
    action: 'alert_resolved',
    reason: alert.reason,
    evidence: { fingerprint: alert.fingerprint, labels: alert.labels },
  });
}
