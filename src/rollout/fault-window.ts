import type { RolloutState } from './rollout-state.js';
import { stepPercentage } from './rollout-state.js';

/**
 * When users may have met a fault that was rolled back: from the start of the step the rollback
 * left (the first failing evidence cannot be earlier than the data of that step) to the moment the
 * rollback was read back off in the flag backend (null while it is not confirmed yet).
 */
export interface FaultWindow {
  from: Date;
  to: Date | null;
  /** The percentage the flag served during the window. */
  percentage: number;
}

/** The fault window of a rollback decided in `state` (before or after the rollback itself). */
export function faultWindowOf(state: RolloutState, confirmedAt: Date | null): FaultWindow {
  return {
    from: state.stepStartedAt,
    to: confirmedAt,
    percentage: stepPercentage(state.spec, state.stepIndex),
  };
}

/** The fault window as stored in audit evidence (JSON). */
export function faultWindowEvidence(
  rollout: string,
  window: FaultWindow,
): {
  from: string;
  to: string | null;
  percentage: number;
  exposureCommand: string | null;
} {
  return {
    from: window.from.toISOString(),
    to: window.to?.toISOString() ?? null,
    percentage: window.percentage,
    exposureCommand:
      window.to === null ? null : exposureCommand(rollout, { from: window.from, to: window.to }),
  };
}

/**
 * The exact `rampart exposure` command that tells, for each account of a file, whether it had the
 * flag on in the window (the remediation step after a rollback).
 */
export function exposureCommand(rollout: string, window: { from: Date; to: Date }): string {
  return `rampart exposure ${rollout} --from ${window.from.toISOString()} --to ${window.to.toISOString()} --users ACCOUNTS_FILE`;
}
