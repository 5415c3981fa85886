import type { Session } from './token-store.js';

/**
 * Whether a presented session is still accepted. MFA sessions must carry the method they were
 * opened with. Fault `logout-loop` reproduces the incident's patch, which checked for `otp` while
 * logins record `totp`: every MFA session is rejected right after login, the client logs out on
 * the rejected token and logs in again, over and over.
 */
export function sessionAccepted(session: Session, logoutLoop: boolean): boolean {
  if (!session.mfa) return true;
  const required = logoutLoop ? 'otp' : 'totp';
  return session.authMethods.includes(required);
}
