export const PHASES = [
  'pending',
  'ramping',
  'awaiting_approval',
  'paused',
  'completed',
  'rolled_back',
] as const;
/** Where a rollout is in its life. `rolled_back` is latched: only a person (resume) leaves it. */
export type Phase = (typeof PHASES)[number];

/** Phases in which a step is live: rampart owns the flag's value, asks for verdicts and watches for hand changes. */
export type RunningPhase = 'ramping' | 'awaiting_approval' | 'paused';
/** Phases a rollout ends in until a person acts (a rolled-back one can be restarted). */
export type FinishedPhase = 'completed' | 'rolled_back';

export function isRunning(phase: Phase): phase is RunningPhase {
  switch (phase) {
    case 'ramping':
    case 'awaiting_approval':
    case 'paused':
      return true;
    case 'pending':
    case 'completed':
    case 'rolled_back':
      return false;
    default:
      return phase satisfies never;
  }
}

export function isFinished(phase: Phase): phase is FinishedPhase {
  return phase === 'completed' || phase === 'rolled_back';
}

/** Running and not paused: the phases in which the next step can come closer (shown as "next step"). */
export function isAdvancing(phase: Phase): phase is 'ramping' | 'awaiting_approval' {
  return phase === 'ramping' || phase === 'awaiting_approval';
}
