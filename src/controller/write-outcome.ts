import type { FlagState } from '../flag-backends/flag-backend.js';
import { isRunning } from '../rollout/phase.js';
import type { RolloutState } from '../rollout/rollout-state.js';
import { expectedAfter, matchesExpected } from '../rollout/rollout-state.js';
import { writeRetryDelayMs } from './backoff.js';
import { change, pause, RAMPART_ACTOR } from './change.js';
import type { Transition } from './effects.js';
import { unchanged } from './effects.js';

function describe(read: FlagState): string {
  if (!read.exists) return 'missing';
  const others = read.otherStrategies ? ` with ${read.otherStrategies} other strategies` : '';
  return read.enabled ? `on at ${read.percentage} %${others}` : `off (rollout ${read.percentage} %)`;
}

/**
 * The pending write was read back: confirmed writes clear the intent (a confirmed rollback is
 * audited once, in the same transaction); anything else schedules a retry with capped backoff.
 */
export function writeOutcome(state: RolloutState, result: FlagState | Error, now: Date): Transition {
  const pending = state.pendingWrite;
  if (!pending) return unchanged(state);
  const expected = expectedAfter(pending.write);
  if (!(result instanceof Error) && matchesExpected(result, expected)) {
    const confirmed: RolloutState = { ...state, pendingWrite: null, lastWritten: expected, updatedAt: now };
    if (pending.purpose !== 'rollback') return unchanged(confirmed);
    return change(
      confirmed,
      now,
      {},
      {
        action: 'rollback_confirmed',
        actor: RAMPART_ACTOR,
        reason: `flag read back ${describe(result)} after ${pending.attempts + 1} attempt(s)`,
        evidence: { attempts: pending.attempts + 1, decidedAt: pending.decidedAt.toISOString() },
      },
    );
  }
  const error =
    result instanceof Error
      ? result.message
      : `read back ${describe(result)}, expected ${describeExpected(expected)}`;
  const attempts = pending.attempts + 1;
  return unchanged({
    ...state,
    pendingWrite: {
      ...pending,
      attempts,
      lastError: error,
      nextAttemptAt: new Date(now.getTime() + writeRetryDelayMs(attempts)),
    },
    hold: `flag write failed ${attempts} time(s): ${error}`,
    updatedAt: now,
  });
}

function describeExpected(expected: ReturnType<typeof expectedAfter>): string {
  return expected.enabled ? `on at ${expected.percentage} %` : 'off';
}

/**
 * The flag as read at the start of a tick differs from what rampart last wrote: someone changed it
 * by hand. Pause, audit and alert once; never write over a person's change.
 */
export function checkExternalChange(state: RolloutState, read: FlagState, now: Date): Transition {
  if (!isRunning(state.phase) || state.pendingWrite || !state.lastWritten) return unchanged(state);
  if (matchesExpected(read, state.lastWritten)) return unchanged(state);
  if (state.phase === 'paused' && state.pauseKind === 'external_change') return unchanged(state);
  const reason = `flag ${state.spec.flag.name} changed outside rampart: expected ${describeExpected(state.lastWritten)}, read ${describe(read)}`;
  return pause(state, now, 'external_change', {
    actor: RAMPART_ACTOR,
    reason,
    action: 'external_change',
    evidence: { expected: state.lastWritten, read },
    announce: 'alert',
  });
}
