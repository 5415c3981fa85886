/** Decides whether a user must pass MFA at login: the flag under rollout, seen from the app. */
export interface MfaPolicy {
  /** True when the user is in the treatment arm (the flag is on for this userId). Must not throw. */
  isEnforced(userId: string): boolean;
  /** Releases the policy's resources (SDK timers); idempotent. */
  close?(): void;
}
