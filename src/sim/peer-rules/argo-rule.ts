import type { CheckResult } from '../../guardrails/peer-check.js';
import type { PeerDecision, PeerRule } from './peer-rule.js';

/**
 * Argo Rollouts' background analysis (argo-rollouts.readthedocs.io, "Analysis & Progressive
 * Delivery"): each metric is measured every `interval`; a metric whose failed measurements exceed
 * `failureLimit`, or whose consecutive errors (query failed / no data) exceed
 * `consecutiveErrorLimit` (default 4), fails the AnalysisRun and aborts the rollout at once. A
 * measurement where neither successCondition nor failureCondition holds (NaN) is Inconclusive and
 * pauses the rollout until a person resumes it (here the simulated operator, after `resumeAfterMs`).
 */
export class ArgoRule implements PeerRule {
  readonly name: string;
  private readonly failures = new Map<string, number>();
  private readonly errors = new Map<string, number>();
  private aborted: string | null = null;
  private pausedUntil = -1;
  private pauseReason: string | null = null;
  private lastFailed: string | null = null;

  constructor(
    readonly intervalMs: number,
    readonly failureLimit: number,
    readonly consecutiveErrorLimit: number,
    private readonly resumeAfterMs: number | undefined,
  ) {
    this.name = `argo (interval ${intervalMs / 1000}s, failureLimit ${failureLimit}, consecutiveErrorLimit ${consecutiveErrorLimit})`;
  }

  async onInterval(run: () => Promise<CheckResult[]>, nowMs: number): Promise<void> {
    if (this.aborted) return;
    const results = await run();
    this.lastFailed = null;
    for (const r of results) {
      const metric = r.reason.split(':')[0] ?? '';
      if (r.status === 'no-data') {
        const n = (this.errors.get(metric) ?? 0) + 1;
        this.errors.set(metric, n);
        if (n > this.consecutiveErrorLimit) {
          this.aborted = `argo: ${metric} consecutive errors ${n} > consecutiveErrorLimit ${this.consecutiveErrorLimit}: ${r.reason}`;
        }
        continue;
      }
      this.errors.set(metric, 0);
      if (r.status === 'fail') {
        const n = (this.failures.get(metric) ?? 0) + 1;
        this.failures.set(metric, n);
        this.lastFailed = r.reason;
        if (n > this.failureLimit)
          this.aborted = `argo: ${metric} failed ${n} > failureLimit ${this.failureLimit}: ${r.reason}`;
      } else if (r.status === 'nan' && this.pausedUntil < nowMs) {
        this.pausedUntil =
          this.resumeAfterMs === undefined ? Number.POSITIVE_INFINITY : nowMs + this.resumeAfterMs;
        this.pauseReason = `argo: inconclusive measurement, paused: ${r.reason}`;
      }
    }
  }

  decision(nowMs: number): PeerDecision {
    const paused = nowMs < this.pausedUntil ? this.pauseReason : null;
    return {
      rollback: this.aborted,
      hold: paused ?? (this.lastFailed ? `argo: measurement failed: ${this.lastFailed}` : null),
    };
  }
}
