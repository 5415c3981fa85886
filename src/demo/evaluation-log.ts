import type { MfaPolicy } from './login-service/mfa-policy.js';

/** One flag evaluation the login service made. */
interface Evaluation {
  userId: string;
  at: number;
  on: boolean;
  /** The percentage the SDK served at that moment (what it had fetched last), when known. */
  served: number | undefined;
}

/** What the login service's own SDK did for one account within a window. */
export interface EvaluatedAccount {
  userId: string;
  /** Any evaluation in the window answered on. */
  on: boolean;
  /** The highest percentage the SDK served at any of the account's evaluations in the window. */
  maxServed: number | undefined;
}

/**
 * The login service's MFA policy, recording every evaluation it makes (who, when, the answer, and
 * what the SDK served then): the ground truth `rampart exposure` is checked against.
 */
export class EvaluationLog implements MfaPolicy {
  private readonly evaluations: Evaluation[] = [];

  constructor(
    private readonly inner: MfaPolicy,
    private readonly served: () => number | undefined = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  isEnforced(userId: string): boolean {
    const on = this.inner.isEnforced(userId);
    this.evaluations.push({ userId, at: this.now(), on, served: this.served() });
    return on;
  }

  close(): void {
    this.inner.close?.();
  }

  /** The accounts evaluated in [from, to] (epoch ms, inclusive), in order of first evaluation. */
  accountsIn(from: number, to: number): EvaluatedAccount[] {
    const byUser = new Map<string, EvaluatedAccount>();
    for (const e of this.evaluations) {
      if (e.at < from || e.at > to) continue;
      const seen = byUser.get(e.userId) ?? { userId: e.userId, on: false, maxServed: undefined };
      seen.on ||= e.on;
      if (e.served !== undefined) seen.maxServed = Math.max(seen.maxServed ?? 0, e.served);
      byUser.set(e.userId, seen);
    }
    return [...byUser.values()];
  }
}
