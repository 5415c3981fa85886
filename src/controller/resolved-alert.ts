import type { AuditDraft } from '../rollout/audit.js';
import type { RolloutState } from '../rollout/rollout-state.js';

/** An Alertmanager alert for a rollout that stopped firing. */
export interface ResolvedAlert {
  rollout: string;
  actor: string;
  reason: string;
  fingerprint: string;
  labels: Record<string, string>;
}

/** The audit entry of a resolved alert: it changes nothing (a rollback it caused stays). */
export function resolvedAlertAudit(state: RolloutState, alert: ResolvedAlert, at: Date): AuditDraft {
  return {
    at,
    rollout: alert.rollout,
    actor: alert.actor,
    action: 'alert_resolved',
    fromPhase: state.phase,
    fromPercentage: state.percentage,
    toPhase: state.phase,
    toPercentage: state.percentage,
    reason: alert.reason,
    evidence: { fingerprint: alert.fingerprint, labels: alert.labels },
  };
}
