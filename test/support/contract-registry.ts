import { Counter, Registry } from 'prom-client';

const VARIANTS = ['treatment', 'control', 'out_of_scope'] as const;

/** Counters of the metrics contract a staff-login service exposes, with their label values. */
const SERIES: readonly { name: string; labels: Record<string, readonly string[]> }[] = [
  {
    name: 'login_attempts_total',
    labels: { result: ['success', 'failure', 'error'], attempt: ['first', 'retry'] },
  },
  { name: 'mfa_challenges_total', labels: { result: ['success', 'failure'] } },
  { name: 'logouts_total', labels: {} },
  { name: 'mfa_enrollments_total', labels: {} },
  { name: 'mfa_enrollment_owner_mismatch_total', labels: {} },
  { name: 'flag_exposures_total', labels: {} },
  { name: 'flag_exposed_users_total', labels: {} },
  { name: 'login_users_total', labels: { result: ['success', 'failure', 'error'] } },
  { name: 'mfa_users_total', labels: { result: ['success', 'failure'] } },
  { name: 'logout_users_total', labels: { repeat: ['first', 'again'] } },
];

function labelSets(labels: Record<string, readonly string[]>): Record<string, string>[] {
  let sets: Record<string, string>[] = VARIANTS.map((variant) => ({ variant }));
  for (const [name, values] of Object.entries(labels))
    sets = sets.flatMap((set) => values.map((v) => ({ ...set, [name]: v })));
  return sets;
}

/**
 * A registry with the contract's series zero-initialised for every variant, as the contract asks;
 * `traffic()` adds a round of healthy activity to every series but the ones that must stay 0.
 */
export class ContractRegistry {
  readonly registry = new Registry();
  private readonly counters = new Map<string, Counter<string>>();

  constructor() {
    for (const s of SERIES) {
      const counter = new Counter({
        name: s.name,
        help: s.name,
        labelNames: ['variant', ...Object.keys(s.labels)],
        registers: [this.registry],
      });
      for (const labels of labelSets(s.labels)) counter.inc(labels, 0);
      this.counters.set(s.name, counter);
    }
  }

  /** One round of traffic: every series moves except the owner-mismatch counter and error results. */
  traffic(n = 3): void {
    for (const s of SERIES) {
      if (s.name === 'mfa_enrollment_owner_mismatch_total') continue;
      for (const labels of labelSets(s.labels)) {
        if (labels.result === 'error') continue;
        this.counters.get(s.name)?.inc(labels, labels.result === 'success' ? 10 * n : n);
      }
    }
  }
}
