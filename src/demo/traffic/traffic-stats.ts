/** What the generator did, for the demo's summary. */
export interface TrafficStats {
  /** Poisson arrivals scheduled. */
  arrivals: number;
  /** Arrivals dropped because `maxConcurrent` visits were already running. */
  dropped: number;
  /** Login attempts that ended with a session. */
  loginsOk: number;
  /** Login attempts refused (wrong password or code, 4xx). */
  loginsFailed: number;
  /** Requests answered 5xx or not answered at all. */
  errors: number;
  logouts: number;
  enrollments: number;
  /** MFA challenges answered correctly. */
  mfaVerified: number;
  /** Logins retried after a failure or error. */
  retries: number;
  /** Logins again after the service rejected a fresh session (the logout-loop behaviour). */
  relogins: number;
  /** Visits that gave up after `maxRelogins` rejected sessions in a row. */
  reloginCapsHit: number;
}

export function emptyStats(): TrafficStats {
  return {
    arrivals: 0,
    dropped: 0,
    loginsOk: 0,
    loginsFailed: 0,
    errors: 0,
    logouts: 0,
    enrollments: 0,
    mfaVerified: 0,
    retries: 0,
    relogins: 0,
    reloginCapsHit: 0,
  };
}
