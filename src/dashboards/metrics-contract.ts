/** One series family that the demo login service and the simulator both emit. */
export interface ContractMetric {
  readonly name: string;
  readonly type: 'counter';
  readonly labels: readonly string[];
  /** Allowed values of a label, where the contract fixes them. */
  readonly values?: Readonly<Record<string, readonly string[]>>;
}

/** The value of the `variant` label that tells users with the flag on from those without. */
const VARIANTS = ['treatment', 'control'] as const;

/**
 * The metrics contract (docs/architecture.md): specs, dashboards and alert rules are written against these
 * series, so the demo service and the simulator are checked against this same list.
 */
export const METRICS_CONTRACT: readonly ContractMetric[] = [
  {
    name: 'login_attempts_total',
    type: 'counter',
    labels: ['variant', 'result'],
    values: { variant: VARIANTS, result: ['success', 'failure', 'error'] },
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
  // Counted once per session, so exposures compare with the configured split.
  { name: 'flag_exposures_total', type: 'counter', labels: ['variant'], values: { variant: VARIANTS } },
];
