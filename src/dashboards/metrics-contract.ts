/** One series family that the demo login service and the simulator both emit. */
export interface ContractMetric {
  readonly name: string;
  readonly type: 'counter';
  readonly labels: readonly string[];
  /** Allowed values of a label, where the contract fixes them. */
  readonly values?: Readonly<Record<string, readonly string[]>>;
  /**
   * Labels added to the contract later, with what they mean: a service without one still serves
   * every guardrail that does not select it, so `check-metrics` warns instead of failing there.
   */
  readonly optional?: Readonly<Record<string, string>>;
}

/**
 * The value of the `variant` label: flag on (treatment), in the rollout's scope with the flag off
 * (control), or excluded by the rollout's scope constraints (out_of_scope, never counted in control).
 */
const VARIANTS = ['treatment', 'control', 'out_of_scope'] as const;

/**
 * The metrics contract (docs/architecture.md): specs, dashboards and alert rules are written against these
 * series, so the demo service and the simulator are checked against this same list.
 */
export const METRICS_CONTRACT: readonly ContractMetric[] = [
  // attempt="retry": the same user's attempt after their failed or errored one within the visit
  // window, so an SLO on attempt="first" counts visits, not a locked account's retries.
  {
    name: 'login_attempts_total',
    type: 'counter',
    labels: ['variant', 'result', 'attempt'],
    values: { variant: VARIANTS, result: ['success', 'failure', 'error'], attempt: ['first', 'retry'] },
    optional: {
      attempt:
        'attempt="first" for the first attempt of a visit, "retry" for the same user\'s attempt after a failed or errored one',
    },
  },
  { name: 'logouts_total', type: 'counter', labels: ['variant'], values: { variant: VARIANTS } },
  {
    name: 'mfa_challenges_total',
    type: 'counter',
    labels: ['variant', 'result'],
    values: { variant: VARIANTS },
  },
  { name: 'mfa_enrollments_total', type: 'counter', labels: ['variant'], values: { variant: VARIANTS } },
  {
    name: 'mfa_enrollment_owner_mismatch_total',
    type: 'counter',
    labels: ['variant'],
    values: { variant: VARIANTS },
  },
  {
    name: 'http_requests_total',
    type: 'counter',
    labels: ['variant', 'route', 'code'],
    values: { variant: VARIANTS },
  },
  // Counted once per session.
  { name: 'flag_exposures_total', type: 'counter', labels: ['variant'], values: { variant: VARIANTS } },
  // Distinct-user series: each user increments each label set at most once per epoch (from the
  // start, and from each flag configuration change the service's SDK sees), so increase() over a
  // step counts users. The user is the unit the flag assigns, so the guardrails judge users.
  { name: 'flag_exposed_users_total', type: 'counter', labels: ['variant'], values: { variant: VARIANTS } },
  {
    name: 'login_users_total',
    type: 'counter',
    labels: ['variant', 'result'],
    values: { variant: VARIANTS, result: ['success', 'failure', 'error'] },
  },
  {
    name: 'mfa_users_total',
    type: 'counter',
    labels: ['variant', 'result'],
    values: { variant: VARIANTS, result: ['success', 'failure'] },
  },
  // repeat="again": the user logged out a second time in the epoch and visit window (a bounce).
  {
    name: 'logout_users_total',
    type: 'counter',
    labels: ['variant', 'repeat'],
    values: { variant: VARIANTS, repeat: ['first', 'again'] },
  },
];
