import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import type { SimMetricSource } from './sim-metric-source.js';

/** The arm of a login: flag on, in scope with the flag off, or outside the rollout's scope. */
export type Variant = 'treatment' | 'control' | 'out_of_scope';

/** The `variant` label value of users the rollout's scope constraints exclude (metrics contract). */
export const OUT_OF_SCOPE = 'out_of_scope';

/** The `attempt` label: the first attempt of a visit, or one that follows a failed attempt in it. */
export type Attempt = 'first' | 'retry';

/** The counters of the metrics contract one arm's logins move, labelled with the arm's variant. */
export function loginCounters(metrics: SimMetricSource, spec: RolloutSpec['variant'], variant: Variant) {
  const value = variant === 'out_of_scope' ? OUT_OF_SCOPE : spec[variant];
  const attempts = (attempt: Attempt) => ({
    success: metrics.counter('login_attempts_total', { [spec.label]: value, result: 'success', attempt }),
    failure: metrics.counter('login_attempts_total', { [spec.label]: value, result: 'failure', attempt }),
    error: metrics.counter('login_attempts_total', { [spec.label]: value, result: 'error', attempt }),
  });
  return {
    first: attempts('first'),
    retry: attempts('retry'),
    http200: metrics.counter('http_requests_total', {
      [spec.label]: value,
      route: '/login',
      code: '200',
    }),
    http401: metrics.counter('http_requests_total', {
      [spec.label]: value,
      route: '/login',
      code: '401',
    }),
    http500: metrics.counter('http_requests_total', {
      [spec.label]: value,
      route: '/login',
      code: '500',
    }),
    logouts: metrics.counter('logouts_total', { [spec.label]: value }),
    mfaPass: metrics.counter('mfa_challenges_total', { [spec.label]: value, result: 'success' }),
    mfaFail: metrics.counter('mfa_challenges_total', { [spec.label]: value, result: 'failure' }),
    enrollments: metrics.counter('mfa_enrollments_total', { [spec.label]: value }),
    mismatch: metrics.counter('mfa_enrollment_owner_mismatch_total', { [spec.label]: value }),
    exposures: metrics.counter('flag_exposures_total', { [spec.label]: value }),
  };
}

export type LoginCounters = ReturnType<typeof loginCounters>;
