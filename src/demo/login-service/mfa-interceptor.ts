import type { MfaEnrollments } from './mfa-enrollments.js';

/** One MFA method as the login flow uses it. */
export interface MfaMethod {
  isEnrolled(userId: string): boolean;
  verify(userId: string, code: string): boolean;
}

/**
 * The interceptor in front of every MFA request: it resolves the user's MFA method. Fault
 * `interceptor-crash` reproduces the incident's hotfix, deployed with an empty method table: the
 * lookup returns nothing and the next dereference throws a TypeError on every MFA request, while
 * password-only logins never pass through here.
 */
export class MfaInterceptor {
  private methods = new Map<string, MfaMethod>();

  constructor(private readonly enrollments: MfaEnrollments) {
    this.load();
  }

  /** The method for a login; the cast mirrors the incident's code, which trusted the table. */
  method(name = 'totp'): MfaMethod {
    return this.methods.get(name) as MfaMethod;
  }

  load(): void {
    const enrollments = this.enrollments;
    this.methods = new Map([
      [
        'totp',
        {
          isEnrolled: (userId: string) => enrollments.bindingOf(userId) !== undefined,
          verify: (userId: string, code: string) => enrollments.verify(userId, code),
        },
      ],
    ]);
  }

  /** Fault `interceptor-crash`: the hotfix's empty method table. */
  unload(): void {
    this.methods = new Map();
  }
}
