/** What the faults did to users (only counted up to the end of the run, i.e. an effective rollback). */
export interface HarmStats {
  /** Users who suffered a fault's effect (failed or 5xx login caused by it, mis-bound enrollment, loop). */
  exposed: Set<number>;
  /** Users who logged in while a user-facing fault was active in their arm. */
  atRisk: Set<number>;
  /** Failed (or 5xx) logins the fault caused. */
  failedByFault: number;
  /**
   * Distinct users in the first user-facing fault's arm (and segment) who logged in since it
   * started: the detector's sample, in the unit its guardrails count (users).
   */
  samples: Set<number>;
}

export function newHarmStats(): HarmStats {
  return { exposed: new Set(), atRisk: new Set(), failedByFault: 0, samples: new Set() };
}
