import { DURATION_HELP, parseDuration } from '../rollout-spec/duration.js';

/** When the demo switches its fault on: when a step starts, or a time after the rollout started. */
export type FaultAt = { kind: 'step'; percentage: number } | { kind: 'after'; ms: number };

/**
 * Parses `--fault-at`: a step's percentage (`25` or `25%`, one of `steps`) or a duration after the
 * rollout started (`30s`). Returns an error message naming the valid values otherwise.
 */
export function parseFaultAt(
  text: string,
  steps: readonly number[],
): { ok: true; value: FaultAt } | { ok: false; message: string } {
  const step = /^(\d+)\s*%?$/.exec(text.trim());
  if (step) {
    const percentage = Number(step[1]);
    if (steps.includes(percentage)) return { ok: true, value: { kind: 'step', percentage } };
    return {
      ok: false,
      message: `--fault-at ${text}: ${percentage} % is not a step of the rollout; steps: ${steps.join(', ')}`,
    };
  }
  const ms = parseDuration(text.trim());
  if (ms !== undefined) return { ok: true, value: { kind: 'after', ms } };
  return {
    ok: false,
    message: `--fault-at ${JSON.stringify(text)}: expected a step percentage (${steps.join(', ')}) or ${DURATION_HELP}`,
  };
}

export function describeFaultAt(at: FaultAt): string {
  return at.kind === 'step'
    ? `at the ${at.percentage} % step`
    : `${at.ms / 1000} s after the rollout started`;
}
