import type { MfaPolicy } from './login-service/mfa-policy.js';

/**
 * An MFA policy that is connected after the service starts listening: the login service must be
 * up before rampart (which scrapes it), and the SDK can only read flags once rampart is up. Until
 * then nobody must pass MFA — the flag is off before any rollout — so it answers false.
 */
export class DeferredMfaPolicy implements MfaPolicy {
  private target: MfaPolicy | undefined;

  private readonly listeners: (() => void)[] = [];

  /** Connects the real policy; the flag goes from "off before any rollout" to what it really is. */
  connect(policy: MfaPolicy): void {
    this.target = policy;
    for (const listener of this.listeners) {
      policy.onFlagChange?.(listener);
      listener();
    }
  }

  onFlagChange(listener: () => void): void {
    this.listeners.push(listener);
    this.target?.onFlagChange?.(listener);
  }

  isEnforced(userId: string): boolean {
    return this.target?.isEnforced(userId) ?? false;
  }

  close(): void {
    this.target?.close?.();
  }
}
