import type { FlagScope } from '../rollout-spec/flag-scope.js';
import type { FlagRef } from '../rollout-spec/rollout-spec-schema.js';

/** A flag as read back from its backend. */
export interface FlagState {
  /** False when the flag (or its environment) does not exist yet. */
  exists: boolean;
  /** The environment is on. */
  enabled: boolean;
  /** Rollout percentage of rampart's strategy, 0..100 (0 when there is none). */
  percentage: number;
  /**
   * Active strategies on the flag's environment that rampart does not own (a person added them);
   * any of them may turn the flag on beyond `percentage`. Absent when the backend cannot have any.
   */
  otherStrategies?: number;
  /**
   * Constraints and segment names on rampart's strategy as read back, canonical (see
   * rollout-spec/flag-scope.ts). Absent when the backend cannot tell (the flag is missing).
   */
  scope?: FlagScope;
}

/** What a backend's readiness check found: ready, or why not (a message people act on, no secret). */
export type Readiness = { ok: true } | { ok: false; reason: string };

/**
 * Where a flag lives: a read, the two writes the controller decides (a percentage, or the kill
 * switch) and a health probe. Every write returns the state read back after it, so the caller can
 * verify.
 */
export interface FlagBackend {
  /** Reads the flag's current state as the backend has it (a missing flag reads `exists: false`). */
  read(flag: FlagRef): Promise<FlagState>;
  /**
   * Sets rampart's strategy to `percentage` with the flag's scope (`flag.constraints`,
   * `flag.segments`; creating flag/strategy as needed) and enables the environment. `setPercentage(flag, 0)` is the `zero` rollback: the flag stays on with nobody in it.
   * Throws RangeError unless `percentage` is an integer 0..100.
   */
  setPercentage(flag: FlagRef, percentage: number): Promise<FlagState>;
  /**
   * Kill switch: sets rampart's strategy to 0 % and turns the flag's environment off, so a person who
   * turns the environment back on exposes nobody. The strategy's scope is left as it is.
   */
  disable(flag: FlagRef): Promise<FlagState>;
  /**
   * The check behind /readyz: can rampart do its work on these flags (the ones the loaded rollouts
   * name on this backend)? A remote backend makes an authorised read, so a rejected token is not
   * ready. Never throws.
   */
  readiness(flags: readonly FlagRef[]): Promise<Readiness>;
}
