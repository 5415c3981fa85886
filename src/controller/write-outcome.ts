import type { FlagState } from '../flag-backends/flag-backend.js';
import { faultWindowOf } from '../rollout/fault-window.js';
import { isRunning } from '../rollout/phase.js';
import type { RolloutState } from '../rollout/rollout-state.js';
import { expectedAfter, matchesExpected } from '../rollout/rollout-state.js';
import { canonicalScope, describeScope, type FlagScope, sameScope } from '../rollout-spec/flag-scope.js';
import { writeRetryDelayMs } from './backoff.js';
import { change, pause, RAMPART_ACTOR } from './change.js';
import type { Transition } from './effects.js';
import { unchanged } from './effects.js';

/**
 * The scope read back when it differs from the spec's while the flag is on (an off flag exposes
 * nobody whatever its scope), else undefined. A backend that cannot tell (no `scope`) never differs.
 */
function scopeDrift(state: RolloutState, read: FlagState, enabled: boolean): FlagScope | undefined {
  if (!enabled || read.scope === undefined) return undefined;
  return sameScope(read.scope, canonicalScope(state.spec.flag)) ? undefined : read.scope;
}

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
  const drift = result instanceof Error ? undefined : scopeDrift(state, result, expected.enabled);
  if (!(result instanceof Error) && matchesExpected(result, expected) && drift === undefined) {
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
        // The window ends now: the remediation (who had the flag on) can be computed from here.
        faultWindow: faultWindowOf(state, now),
      },
    );
  }
  const error =
    result instanceof Error
      ? result.message
      : drift !== undefined
        ? `read back scope ${describeScope(drift)}, expected ${describeScope(state.spec.flag)}`
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
  if (expected.enabled) return `on at ${expected.percentage} %`;
  return expected.percentage === 0 ? 'off at rollout 0 %' : 'off';
}

/**
 * The flag as read at the start of a tick differs from what rampart last wrote (its percentage, its
 * on/off, another strategy, or the scope of rampart's strategy: a constraint or segment removed,
 * changed or added): someone changed it by hand. Pause, audit and alert once; never write over a
 * person's change (a person's resume re-asserts the step and the spec's scope).
 */
export function checkExternalChange(state: RolloutState, read: FlagState, now: Date): Transition {
  if (!isRunning(state.phase) || state.pendingWrite || !state.lastWritten) return unchanged(state);
  const drift = scopeDrift(state, read, state.lastWritten.enabled);
  if (matchesExpected(read, state.lastWritten) && drift === undefined) return unchanged(state);
  if (state.phase === 'paused' && state.pauseKind === 'external_change') return unchanged(state);
  const name = state.spec.flag.name;
  const reason =
    drift === undefined
      ? `flag ${name} changed outside rampart: expected ${describeExpected(state.lastWritten)}, read ${describe(read)}`
      : `flag ${name} scope changed outside rampart: expected ${describeScope(state.spec.flag)}, read ${describeScope(drift)}`;
  const expectedScope = canonicalScope(state.spec.flag);
  return pause(state, now, 'external_change', {
    actor: RAMPART_ACTOR,
    reason,
    action: 'external_change',
    evidence: { expected: { ...state.lastWritten, scope: expectedScope }, read },
    announce: 'alert',
  });
}
