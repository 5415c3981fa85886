import type { Verdict, VerdictStatus } from '../analysis/verdict.js';
import type { AuditEntry } from '../rollout/audit.js';

/** `[  12.3s]`: seconds since the demo started, so lines line up. */
export function stamp(elapsedMs: number): string {
  return `[${(elapsedMs / 1000).toFixed(1).padStart(6)}s]`;
}

/** One line of the live view for an audit entry worth showing; undefined for the others. */
export function auditLine(entry: AuditEntry, steps: readonly number[]): string | undefined {
  const to = entry.toPercentage ?? 0;
  const stepNo = steps.indexOf(to) + 1;
  switch (entry.action) {
    case 'start_requested':
      return `START requested by ${entry.actor}: ${entry.reason}`;
    case 'started':
    case 'advanced':
      if (to === 100)
        return `step ${stepNo}/${steps.length}: ${to} % — soaking before completion (${entry.reason})`;
      return `step ${stepNo}/${steps.length}: ${to} % of staff must pass MFA (${entry.reason})`;
    case 'completed':
      return `step ${stepNo}/${steps.length}: ${to} % — rollout COMPLETED (${entry.reason})`;
    case 'awaiting_approval':
      return `waiting for approval: ${entry.reason}`;
    case 'approved':
      return `approved by ${entry.actor}: ${entry.reason}`;
    case 'paused':
      return `PAUSED at ${entry.fromPercentage ?? 0} % by ${entry.actor}: ${entry.reason}`;
    case 'resumed':
      return `resumed by ${entry.actor}: ${entry.reason}`;
    case 'rolled_back':
      return `ROLLBACK at ${entry.fromPercentage ?? 0} % decided by ${entry.actor}: ${entry.reason}`;
    case 'rollback_confirmed':
      return `rollback confirmed: ${entry.reason}`;
    case 'external_change':
    case 'command_rejected':
    case 'alert_after_completion':
      return `${entry.action.replace('_', ' ')}: ${entry.reason}`;
    default:
      return undefined;
  }
}

/**
 * Tracks each guardrail's last status and describes what changed since the previous tick, so
 * the live view prints one line per change instead of one per tick.
 */
export class VerdictChanges {
  private readonly last = new Map<string, VerdictStatus>();

  /** The line for the changes in `verdicts`, or undefined when nothing changed. */
  update(verdicts: readonly Verdict[]): string | undefined {
    const parts: string[] = [];
    for (const v of verdicts) {
      const before = this.last.get(v.guardrail);
      if (before === v.status) continue;
      this.last.set(v.guardrail, v.status);
      // The reason of a fail is printed with the rollback or pause it causes.
      parts.push(`${v.guardrail} ${v.status === 'fail' ? 'FAIL' : v.status}`);
    }
    return parts.length > 0 ? `  guardrails: ${parts.join(' · ')}` : undefined;
  }
}
