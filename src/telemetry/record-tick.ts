import type { TickReport } from '../controller/controller.js';
import type { AuditDraft } from '../rollout/audit.js';
import type { RampartMetrics } from './rampart-metrics.js';

/** A low-cardinality label for why a rollback happened, from how the controller words it. */
export function rollbackCause(entry: Pick<AuditDraft, 'reason' | 'actor'>): string {
  if (entry.reason.startsWith('guardrail ')) return 'guardrail';
  if (entry.reason.startsWith('alert: ')) return 'alert';
  if (entry.reason.startsWith('no data for ')) return 'no_data';
  return 'manual';
}

/** Turns one completed tick into metric updates: percentage, phase, verdicts, transitions, rollbacks. */
export function recordTick(
  metrics: RampartMetrics,
  rollout: string,
  report: TickReport,
  seconds: number,
): void {
  metrics.tickDurationSeconds.observe({ rollout }, seconds);
  metrics.rolloutPercentage.set({ rollout }, report.state.percentage);
  metrics.setPhase(rollout, report.state.phase);
  metrics.recordVerdicts(rollout, report.verdicts);
  for (const effect of report.effects) {
    if (effect.type !== 'audit') continue;
    const { fromPhase, toPhase, action } = effect.entry;
    if (fromPhase !== null && toPhase !== null && fromPhase !== toPhase) {
      metrics.transitionsTotal.inc({ rollout, from: fromPhase, to: toPhase });
    }
    if (action === 'rolled_back')
      metrics.rollbacksTotal.inc({ rollout, reason: rollbackCause(effect.entry) });
  }
}
