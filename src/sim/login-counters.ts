import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import type { SimMetricSource } from './sim-metric-source.js';

export type Variant = 'treatment' | 'control';

/** The counters of the metrics contract one arm's logins move, labelled with the arm's variant. */
export function loginCounters(metrics: SimMetricSource, v: RolloutSpec['variant'], variant: Variant) {
  return {
    success: metrics.counter('login_attempts_total', { [v.label]: v[variant], result: 'success' }),
    failure: metrics.counter('login_attempts_total', { [v.label]: v[variant], result: 'failure' }),
    error: metrics.counter('login_attempts_total', { [v.label]: v[variant], result: 'error' }),
    http200: metrics.counter('http_requests_total', {
      [v.label]: v[variant],
      route: '/login',
      code: '200',
    }),
    http401: metrics.counter('http_requests_total', {
      [v.label]: v[variant],
      route: '/login',
      code: '401',
    }),
    http500: metrics.counter('http_requests_total', {
      [v.label]: v[variant],
      route: '/login',
      code: '500',
    }),
    logouts: metrics.counter('logouts_total', { [v.label]: v[variant] }),
    mfaPass: metrics.counter('mfa_challenges_total', { [v.label]: v[variant], result: 'success' }),
    mfaFail: metrics.counter('mfa_challenges_total', { [v.label]: v[variant], result: 'failure' }),
    enrollments: metrics.counter('mfa_enrollments_total', { [v.label]: v[variant] }),
    mismatch: metrics.counter('mfa_enrollment_owner_mismatch_total', { [v.label]: v[variant] }),
    exposures: metrics.counter('flag_exposures_total', { [v.label]: v[variant] }),
  };
}

export type LoginCounters = ReturnType<typeof loginCounters>;
