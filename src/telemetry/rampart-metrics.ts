import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Verdict, VerdictStatus } from '../analysis/verdict.js';
import { PHASES } from '../rollout/phase.js';

/** The `reason` values of rampart_rollbacks_total (see rollbackLabel in record-tick.ts). */
const ROLLBACK_REASONS = ['guardrail', 'alert', 'no_data', 'manual'] as const;

const VERDICT_VALUES: Record<VerdictStatus, number> = { pass: 0, inconclusive: 1, error: 2, fail: 3 };

/**
 * rampart's own metrics, registered on an injected Registry so tests and several instances
 * in one process never share global state.
 */
export class RampartMetrics {
  readonly rolloutPercentage: Gauge<'rollout'>;
  readonly rolloutPhase: Gauge<'rollout' | 'phase'>;
  /** 0 pass, 1 inconclusive, 2 error, 3 fail. */
  readonly guardrailVerdict: Gauge<'rollout' | 'guardrail'>;
  readonly guardrailHarmSuspected: Gauge<'rollout' | 'guardrail'>;
  readonly guardrailEstimate: Gauge<'rollout' | 'guardrail'>;
  readonly guardrailBound: Gauge<'rollout' | 'guardrail'>;
  readonly rollbacksTotal: Counter<'rollout' | 'reason'>;
  readonly transitionsTotal: Counter<'rollout' | 'from' | 'to'>;
  readonly tickDurationSeconds: Histogram<'rollout'>;
  readonly tickErrorsTotal: Counter<'rollout'>;
  readonly backendRequestsTotal: Counter<'backend' | 'op' | 'outcome'>;
  readonly metricQueriesTotal: Counter<'source' | 'outcome'>;
  readonly alertsReceivedTotal: Counter<'status' | 'matched'>;
  readonly commandsTotal: Counter<'rollout' | 'command'>;
  readonly leader: Gauge;
  readonly buildInfo: Gauge<'version' | 'node'>;

  constructor(registry: Registry, version: string) {
    const registers = [registry];
    this.rolloutPercentage = new Gauge({
      name: 'rampart_rollout_percentage',
      help: 'Rollout percentage of the flag as read back from its backend (0 when disabled).',
      labelNames: ['rollout'],
      registers,
    });
    this.rolloutPhase = new Gauge({
      name: 'rampart_rollout_phase',
      help: 'Current phase of a rollout: 1 for the current phase, 0 for the others.',
      labelNames: ['rollout', 'phase'],
      registers,
    });
    this.guardrailVerdict = new Gauge({
      name: 'rampart_guardrail_verdict',
      help: 'Latest verdict of a guardrail: 0 pass, 1 inconclusive, 2 error, 3 fail.',
      labelNames: ['rollout', 'guardrail'],
      registers,
    });
    this.guardrailHarmSuspected = new Gauge({
      name: 'rampart_guardrail_harm_suspected',
      help: 'A users guardrail holds its step on suspected harm, short of a rollback: 1 while it does, else 0.',
      labelNames: ['rollout', 'guardrail'],
      registers,
    });
    this.guardrailEstimate = new Gauge({
      name: 'rampart_guardrail_estimate',
      help: 'Latest estimate of the tested quantity of a guardrail.',
      labelNames: ['rollout', 'guardrail'],
      registers,
    });
    this.guardrailBound = new Gauge({
      name: 'rampart_guardrail_bound',
      help: 'Latest confidence bound of a guardrail, compared with its limit.',
      labelNames: ['rollout', 'guardrail'],
      registers,
    });
    this.rollbacksTotal = new Counter({
      name: 'rampart_rollbacks_total',
      help: 'Rollbacks decided, by rollout and reason (guardrail, alert, manual, no_data).',
      labelNames: ['rollout', 'reason'],
      registers,
    });
    this.transitionsTotal = new Counter({
      name: 'rampart_transitions_total',
      help: 'Phase transitions.',
      labelNames: ['rollout', 'from', 'to'],
      registers,
    });
    this.tickDurationSeconds = new Histogram({
      name: 'rampart_tick_duration_seconds',
      help: 'Duration of one controller tick of one rollout.',
      labelNames: ['rollout'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.tickErrorsTotal = new Counter({
      name: 'rampart_tick_errors_total',
      help: 'Ticks that threw; the next tick runs regardless.',
      labelNames: ['rollout'],
      registers,
    });
    this.backendRequestsTotal = new Counter({
      name: 'rampart_backend_requests_total',
      help: 'Flag backend requests by backend, operation and outcome.',
      labelNames: ['backend', 'op', 'outcome'],
      registers,
    });
    this.metricQueriesTotal = new Counter({
      name: 'rampart_metric_queries_total',
      help: 'Metric source queries by source and outcome (ok, no_data, error).',
      labelNames: ['source', 'outcome'],
      registers,
    });
    this.alertsReceivedTotal = new Counter({
      name: 'rampart_alerts_received_total',
      help: 'Alertmanager alerts received, by status and whether they matched a rollout.',
      labelNames: ['status', 'matched'],
      registers,
    });
    this.commandsTotal = new Counter({
      name: 'rampart_commands_total',
      help: 'Commands accepted, by rollout and command.',
      labelNames: ['rollout', 'command'],
      registers,
    });
    this.leader = new Gauge({
      name: 'rampart_leader',
      help: '1 when this replica is the leader and acts on rollouts, 0 otherwise.',
      registers,
    });
    this.buildInfo = new Gauge({
      name: 'rampart_build_info',
      help: 'Build information; always 1.',
      labelNames: ['version', 'node'],
      registers,
    });
    this.buildInfo.set({ version, node: process.version }, 1);
  }

  /**
   * Records the phase as a one-hot series set, so dashboards can show the current phase. Also
   * creates the rollout's rollback series at 0: Prometheus' increase() cannot see a counter's first
   * increment when the series is born at 1, so the first rollback of a reason would be missed by the
   * RampartRollback rule and the dashboards' annotations.
   */
  setPhase(rollout: string, phase: string): void {
    for (const p of PHASES) this.rolloutPhase.set({ rollout, phase: p }, p === phase ? 1 : 0);
    for (const reason of ROLLBACK_REASONS) this.rollbacksTotal.inc({ rollout, reason }, 0);
  }

  /** Records each guardrail's latest verdict, suspected harm, estimate and bound. */
  recordVerdicts(rollout: string, verdicts: readonly Verdict[]): void {
    for (const v of verdicts) {
      const labels = { rollout, guardrail: v.guardrail };
      this.guardrailVerdict.set(labels, VERDICT_VALUES[v.status]);
      this.guardrailHarmSuspected.set(labels, v.harmSuspected ? 1 : 0);
      if (Number.isFinite(v.evidence.estimate)) this.guardrailEstimate.set(labels, v.evidence.estimate ?? 0);
      if (Number.isFinite(v.evidence.bound)) this.guardrailBound.set(labels, v.evidence.bound ?? 0);
    }
  }
}
