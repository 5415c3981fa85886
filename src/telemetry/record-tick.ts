import type { TickReport } from '../controller/controller.js';
import type { RollbackCause } from '../rollout/rollback-cause.js';
import type { RampartMetrics } from './rampart-metrics.js';

/** A low-cardinality label for why a rollback happened (a person's rollback is `manual`). */
export function rollbackLabel(cause: RollbackCause | undefined): string {
  switch (cause?.kind) {
    case 'guardrail':
    case 'alert':
    case 'no_data':
      return cause.kind;
    case 'person':
    case undefined:
      return 'manual';
    default:
      return cause satisfies never;
  }
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
      metrics.rollbacksTotal.inc({ rollout, reason: rollbackLabel(effect.cause) });
  }
}
