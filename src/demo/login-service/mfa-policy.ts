/** Decides whether a user must pass MFA at login: the flag under rollout, seen from the app. */
export interface MfaPolicy {
  /** True when the user is in the treatment arm (the flag is on for this userId). Must not throw. */
  isEnforced(userId: string): boolean;
  /** Calls `listener` whenever the flag's configuration changes (a new step, a rollback). */
  onFlagChange?(listener: () => void): void;
  /** Releases the policy's resources (SDK timers); idempotent. */
  close?(): void;
}
