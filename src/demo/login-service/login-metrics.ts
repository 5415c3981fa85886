import { Counter, type Registry } from 'prom-client';
import { FlagMetrics } from '../../instrument/flag-metrics.js';
import type { Clock } from '../../time/clock.js';

/** `treatment` when the MFA flag is on for the user, `control` otherwise (docs/architecture.md). */
export type Variant = 'treatment' | 'control';
/** Requests that cannot be tied to a user (health, bad input, unknown token) are labelled `none`. */
export type RequestVariant = Variant | 'none';

export const variantOf = (enforced: boolean): Variant => (enforced ? 'treatment' : 'control');

/**
 * The metrics contract shared with the simulator, on an injected Registry so several services
 * (tests) can live in one process. The contract's series come from rampart's own instrumentation
 * helper (`flag`); the MFA enrollment counters are the demo's own.
 */
export class LoginMetrics {
  readonly flag: FlagMetrics;
  readonly mfaEnrollments: Counter<'variant'>;
  readonly mfaEnrollmentOwnerMismatch: Counter<'variant'>;

  constructor(registry: Registry, clock?: Clock, visitWindowMs?: number) {
    this.flag = new FlagMetrics({ registry, clock, visitWindowMs });
    const registers = [registry];
    this.mfaEnrollments = new Counter({
      name: 'mfa_enrollments_total',
      help: 'TOTP enrollments completed.',
      labelNames: ['variant'],
      registers,
    });
    this.mfaEnrollmentOwnerMismatch = new Counter({
      name: 'mfa_enrollment_owner_mismatch_total',
      help: 'Enrollments whose bound secret belongs to another account (integrity check after binding).',
      labelNames: ['variant'],
      registers,
    });
    // Both arms appear from the start, so rate() and absent-series checks see zeros, not gaps.
    for (const variant of ['treatment', 'control'] as const) {
      this.mfaEnrollments.inc({ variant }, 0);
      this.mfaEnrollmentOwnerMismatch.inc({ variant }, 0);
    }
  }
}
