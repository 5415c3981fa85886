export const PHASES = [
  'pending',
  'ramping',
  'awaiting_approval',
  'paused',
  'completed',
  'rolled_back',
  // Last, so the dashboards' phase numbers of the older phases stay what they were.
  'soaking',
] as const;
/**
 * Where a rollout is in its life. `pending` writes nothing until started; `soaking` is the time at
 * the last step (100 %) before `completed`, still watched by the guardrails that need no control
 * arm. `rolled_back` is latched: only a person (resume) leaves it.
 */
export type Phase = (typeof PHASES)[number];

/** Phases in which a step is live: rampart owns the flag's value, asks for verdicts and watches for hand changes. */
export type RunningPhase = 'ramping' | 'awaiting_approval' | 'paused' | 'soaking';
/** Phases a rollout ends in until a person acts (a rolled-back one can be restarted). */
export type FinishedPhase = 'completed' | 'rolled_back';

export function isRunning(phase: Phase): phase is RunningPhase {
  switch (phase) {
    case 'ramping':
    case 'awaiting_approval':
    case 'paused':
    case 'soaking':
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
