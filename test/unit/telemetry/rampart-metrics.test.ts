import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { RampartMetrics } from '../../../src/telemetry/rampart-metrics.js';

describe('RampartMetrics', () => {
  it('registers every controller metric on the injected registry only', async () => {
    const registry = new Registry();
    new RampartMetrics(registry, '0.1.0');
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name).sort();
    expect(names).toEqual(
      [
        'rampart_alerts_received_total',
        'rampart_backend_requests_total',
        'rampart_build_info',
        'rampart_commands_total',
        'rampart_guardrail_bound',
        'rampart_guardrail_estimate',
        'rampart_guardrail_harm_suspected',
        'rampart_guardrail_verdict',
        'rampart_leader',
        'rampart_metric_queries_total',
        'rampart_rollbacks_total',
        'rampart_rollout_percentage',
        'rampart_rollout_phase',
        'rampart_tick_duration_seconds',
        'rampart_tick_errors_total',
        'rampart_transitions_total',
      ].sort(),
    );
    // A second instance on its own registry must not collide with the first.
    expect(() => new RampartMetrics(new Registry(), '0.1.0')).not.toThrow();
  });

  it('keeps one phase series at 1 and records verdict numbers', async () => {
    const registry = new Registry();
    const metrics = new RampartMetrics(registry, '0.1.0');
    metrics.setPhase('mfa-staff', 'ramping');
    metrics.setPhase('mfa-staff', 'rolled_back');
    metrics.recordVerdicts('mfa-staff', [
      {
        guardrail: 'login-success',
        kind: 'compare',
        status: 'fail',
        onFail: 'rollback',
        reason: 'x',
        evidence: { estimate: -0.1, bound: -0.07, limit: -0.05 },
      },
      {
        guardrail: 'logout-loop',
        kind: 'users',
        status: 'inconclusive',
        onFail: 'rollback',
        reason: 'harm suspected',
        evidence: {},
        harmSuspected: true,
      },
    ]);
    const text = await registry.metrics();
    expect(text).toContain('rampart_rollout_phase{rollout="mfa-staff",phase="rolled_back"} 1');
    expect(text).toContain('rampart_rollout_phase{rollout="mfa-staff",phase="ramping"} 0');
    expect(text).toContain('rampart_guardrail_verdict{rollout="mfa-staff",guardrail="login-success"} 3');
    expect(text).toContain('rampart_guardrail_bound{rollout="mfa-staff",guardrail="login-success"} -0.07');
    expect(text).toContain(
      'rampart_guardrail_harm_suspected{rollout="mfa-staff",guardrail="login-success"} 0',
    );
    expect(text).toContain('rampart_guardrail_harm_suspected{rollout="mfa-staff",guardrail="logout-loop"} 1');
  });

  it("creates a rollout's rollback series at 0, so the first rollback is an increase", async () => {
    const registry = new Registry();
    const metrics = new RampartMetrics(registry, '0.1.0');
    metrics.setPhase('mfa-staff', 'pending');
    const text = await registry.metrics();
    for (const reason of ['guardrail', 'alert', 'no_data', 'manual'])
      expect(text).toContain(`rampart_rollbacks_total{rollout="mfa-staff",reason="${reason}"} 0`);
    metrics.rollbacksTotal.inc({ rollout: 'mfa-staff', reason: 'alert' });
    metrics.setPhase('mfa-staff', 'rolled_back');
    expect(await registry.metrics()).toContain(
      'rampart_rollbacks_total{rollout="mfa-staff",reason="alert"} 1',
    );
  });
});
