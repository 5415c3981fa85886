import type { CheckResult } from '../../guardrails/peer-check.js';
import type { PeerDecision, PeerRule } from './peer-rule.js';

/**
 * Flagger's canary analysis (docs.flagger.app, "Canary analysis"): every `interval` the metric checks
 * run; a failed check (a value out of its thresholdRange, or no data / NaN) increments failedChecks,
 * which is not reset by later passing checks; when failedChecks has reached `threshold`, the next
 * reconciliation (one interval later) rolls the canary back. A failed check also halts advancement.
 */
export class FlaggerRule implements PeerRule {
  readonly name: string;
  private failedChecks = 0;
  private lastFailed: string | null = null;
  private rolledBack: string | null = null;

  constructor(
    readonly intervalMs: number,
    readonly threshold: number,
  ) {
    this.name = `flagger (interval ${intervalMs / 1000}s, threshold ${threshold})`;
  }

  async onInterval(run: () => Promise<CheckResult[]>): Promise<void> {
    if (this.rolledBack) return;
    if (this.failedChecks >= this.threshold) {
      this.rolledBack = `flagger: failedChecks ${this.failedChecks} >= threshold ${this.threshold}; last: ${this.lastFailed ?? ''}`;
      return;
    }
    const failed = (await run()).filter((r) => r.status !== 'pass');
    if (failed.length > 0) {
      this.failedChecks += 1;
      this.lastFailed = failed.map((r) => r.reason).join('; ');
    } else {
      this.lastFailed = null;
    }
  }

  decision(): PeerDecision {
    return {
      rollback: this.rolledBack,
      hold: this.lastFailed
        ? `flagger: check failed (${this.failedChecks}/${this.threshold}): ${this.lastFailed}`
        : null,
    };
  }
}
