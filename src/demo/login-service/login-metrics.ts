import { Counter, type Registry } from 'prom-client';

/** `treatment` when the MFA flag is on for the user, `control` otherwise (docs/architecture.md). */
export type Variant = 'treatment' | 'control';
/** Requests that cannot be tied to a user (health, bad input, unknown token) are labelled `none`. */
export type RequestVariant = Variant | 'none';

export const variantOf = (enforced: boolean): Variant => (enforced ? 'treatment' : 'control');

/**
 * The metrics contract shared with the simulator, on an injected Registry so several services
 * (tests) can live in one process.
 */
export class LoginMetrics {
  readonly loginAttempts: Counter<'variant' | 'result'>;
  readonly logouts: Counter<'variant'>;
  readonly mfaChallenges: Counter<'variant' | 'result'>;
  readonly mfaEnrollments: Counter<'variant'>;
  readonly mfaEnrollmentOwnerMismatch: Counter<'variant'>;
  readonly httpRequests: Counter<'variant' | 'route' | 'code'>;
  readonly flagExposures: Counter<'variant'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.loginAttempts = new Counter({
      name: 'login_attempts_total',
      help: 'Login attempts by outcome; an MFA login counts once, when its challenge is answered.',
      labelNames: ['variant', 'result'],
      registers,
    });
    this.logouts = new Counter({
      name: 'logouts_total',
      help: 'Sessions ended by the user.',
      labelNames: ['variant'],
      registers,
    });
    this.mfaChallenges = new Counter({
      name: 'mfa_challenges_total',
      help: 'MFA challenges answered, by outcome.',
      labelNames: ['variant', 'result'],
      registers,
    });
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
    this.httpRequests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by route pattern and status code.',
      labelNames: ['variant', 'route', 'code'],
      registers,
    });
    this.flagExposures = new Counter({
      name: 'flag_exposures_total',
      help: 'Sessions opened, by the variant the user was in (one exposure per session).',
      labelNames: ['variant'],
      registers,
    });
    // Both arms appear from the start, so rate() and absent-series checks see zeros, not gaps.
    for (const variant of ['treatment', 'control'] as const) {
      for (const result of ['success', 'failure', 'error'] as const) {
        this.loginAttempts.inc({ variant, result }, 0);
        this.mfaChallenges.inc({ variant, result }, 0);
      }
      this.logouts.inc({ variant }, 0);
      this.mfaEnrollments.inc({ variant }, 0);
      this.mfaEnrollmentOwnerMismatch.inc({ variant }, 0);
      this.flagExposures.inc({ variant }, 0);
    }
  }
}
