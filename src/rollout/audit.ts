import type { Phase } from './phase.js';

export const AUDIT_ACTIONS = [
  'created',
  'start_requested',
  'started',
  'advanced',
  'awaiting_approval',
  'approved',
  'promoted',
  'completed',
  'paused',
  'resumed',
  'restarted',
  'rolled_back',
  'rollback_confirmed',
  'external_change',
  'command_rejected',
  'spec_reloaded',
  'spec_reload_refused',
  'spec_file_removed',
  'alert_resolved',
  'alert_after_completion',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** An audit entry before the store numbers it. */
export interface AuditDraft {
  at: Date;
  rollout: string;
  actor: string;
  action: AuditAction;
  fromPhase: Phase | null;
  fromPercentage: number | null;
  toPhase: Phase | null;
  toPercentage: number | null;
  reason: string;
  /** Verdict numbers and other context; stored as JSON. */
  evidence: unknown;
}

/** One line of the append-only audit log; `seq` is contiguous from 1, without gaps. */
export interface AuditEntry extends AuditDraft {
  seq: number;
  /** Leadership epoch of the replica that wrote it (0 with a single replica; absent in stores without epochs). */
  epoch?: number;
}

/** Where a rollout stood for an audit entry; phase and percentage are null before it existed. */
export interface AuditPoint {
  phase: Phase | null;
  percentage: number | null;
}

/** What an audit entry says beyond where the rollout moved. */
export interface AuditFields {
  at: Date;
  actor: string;
  action: AuditAction;
  reason: string;
  /** Stored as JSON; null when omitted. */
  evidence?: unknown;
}

/** The one way to write an audit entry: `from` (named) moved to `to` (the same point when nothing moved). */
export function auditEntry(
  from: AuditPoint & { name: string },
  to: AuditPoint,
  fields: AuditFields,
): AuditDraft {
  return {
    at: fields.at,
    rollout: from.name,
    actor: fields.actor,
    action: fields.action,
    fromPhase: from.phase,
    fromPercentage: from.percentage,
    toPhase: to.phase,
    toPercentage: to.percentage,
    reason: fields.reason,
    evidence: fields.evidence ?? null,
  };
}
