import { Secret, TOTP } from 'otpauth';
import type { Clock } from '../../time/clock.js';

/** A TOTP secret as issued: `owner` is the account it was generated for. */
export interface TotpBinding {
  owner: string;
  secret: Secret;
  issuedAt: number;
}

export interface EnrollmentResult {
  binding: TotpBinding;
  /** The integrity check after binding: the secret now bound to the account was issued to it. */
  ownerMatches: boolean;
}

const ISSUER = 'rampart-demo';

export function totpFor(binding: TotpBinding): TOTP {
  return new TOTP({ issuer: ISSUER, label: binding.owner, secret: binding.secret, digits: 6, period: 30 });
}

/** TOTP secrets bound to accounts. */
export class MfaEnrollments {
  private readonly bindings = new Map<string, TotpBinding>();
  /** Kept to resume an interrupted enrollment; the crossbind bug reads it for the wrong account. */
  private lastEnrollment: TotpBinding | undefined;

  constructor(private readonly clock: Clock) {}

  bindingOf(userId: string): TotpBinding | undefined {
    return this.bindings.get(userId);
  }

  /**
   * Issues a secret and binds it to `userId`. With `crossbind` (fault `enrollment-crossbind`) the
   * handler reuses the cached enrollment of the last account that enrolled, so the requesting
   * account is bound to that account's secret: two accounts share one TOTP secret.
   */
  enroll(userId: string, crossbind: boolean): EnrollmentResult {
    const fresh: TotpBinding = {
      owner: userId,
      secret: new Secret({ size: 20 }),
      issuedAt: this.clock.now().getTime(),
    };
    const binding = crossbind && this.lastEnrollment ? this.lastEnrollment : fresh;
    this.bindings.set(userId, binding);
    this.lastEnrollment = binding;
    const stored = this.bindings.get(userId);
    return { binding, ownerMatches: stored?.owner === userId };
  }

  /** Accepts the current code and its neighbours (±1 period of clock skew). */
  verify(userId: string, code: string): boolean {
    const binding = this.bindings.get(userId);
    if (!binding) return false;
    return (
      totpFor(binding).validate({ token: code, timestamp: this.clock.now().getTime(), window: 1 }) !== null
    );
  }

  /** Accounts bound to the same secret as `userId` (more than one only after a crossbind). */
  accountsSharingSecretWith(userId: string): string[] {
    const secret = this.bindings.get(userId)?.secret.base32;
    if (secret === undefined) return [];
    return [...this.bindings].filter(([, b]) => b.secret.base32 === secret).map(([id]) => id);
  }
}
