import type { FaultName } from './login-service/fault-switches.js';
import type { AnsweredRequest } from './login-service/login-service.js';
import type { MfaEnrollments } from './login-service/mfa-enrollments.js';

/** Routes a login goes through; a 5xx on them is a login that failed on the server. */
const LOGIN_ROUTES = new Set(['/login', '/mfa/enroll', '/mfa/verify']);

interface Hit {
  userId: string;
  at: number;
  kind: 'login_error' | 'session_rejected';
}

/** Users the fault hurt, and how the demo counted them. */
export interface Exposure {
  users: number;
  /** e.g. "accounts bound to another account's TOTP secret". */
  what: string;
}

/**
 * Which users a fault really hit, read from the login service's answers (fed by its `onResponse`)
 * and its enrollment table, never from the fault switch itself:
 * - `token-purge`: users whose login failed with a server error (the corrupt token store);
 * - `interceptor-crash`: users whose login (the MFA path) failed with a server error;
 * - `logout-loop`: users whose fresh session was rejected (each then logs out and in again);
 * - `enrollment-crossbind`: accounts bound to a TOTP secret issued to another account.
 */
export class FaultExposure {
  private readonly hits: Hit[] = [];

  /** Pass to the login service as `onResponse`. */
  readonly observe = (answer: AnsweredRequest): void => {
    if (answer.userId === undefined) return;
    if (answer.status >= 500 && LOGIN_ROUTES.has(answer.route)) {
      this.hits.push({ userId: answer.userId, at: answer.at, kind: 'login_error' });
    } else if (answer.status === 401 && answer.route === '/session') {
      this.hits.push({ userId: answer.userId, at: answer.at, kind: 'session_rejected' });
    }
  };

  /** Distinct users hit between `from` and `until` (epoch ms, inclusive). */
  exposed(
    fault: FaultName,
    window: { from: number; until: number },
    service: { enrollments: MfaEnrollments; userIds: readonly string[] },
  ): Exposure {
    switch (fault) {
      case 'enrollment-crossbind': {
        const users = service.userIds.filter((u) => {
          const owner = service.enrollments.bindingOf(u)?.owner;
          return owner !== undefined && owner !== u;
        });
        return { users: users.length, what: "accounts bound to another account's TOTP secret" };
      }
      case 'logout-loop':
        return {
          users: this.distinct('session_rejected', window),
          what: 'users whose fresh session was rejected (logged out and in again)',
        };
      case 'interceptor-crash':
        return {
          users: this.distinct('login_error', window),
          what: 'users whose MFA login answered 500',
        };
      case 'token-purge':
        return {
          users: this.distinct('login_error', window),
          what: 'users whose login failed on the corrupt token store',
        };
    }
  }

  private distinct(kind: Hit['kind'], window: { from: number; until: number }): number {
    const users = new Set<string>();
    for (const h of this.hits) {
      if (h.kind === kind && h.at >= window.from && h.at <= window.until) users.add(h.userId);
    }
    return users.size;
  }
}
