import type { Notification } from '../notify/notifier.js';
import type { AuditDraft } from '../rollout/audit.js';
import type { RollbackCause } from '../rollout/rollback-cause.js';
import type { FlagWrite, RolloutState } from '../rollout/rollout-state.js';

/**
 * What a transition asks the shell to do. Audit entries are written in the same transaction as the
 * state; a flag write is also recorded in `state.pendingWrite` (the durable intent) and executed,
 * read back and retried after the commit; notifications and alerts go out after the commit.
 */
export type Effect =
  /** `cause` is set on the entry of a rollback. */
  | { type: 'audit'; entry: AuditDraft; cause?: RollbackCause }
  | { type: 'writeFlag'; write: FlagWrite }
  | { type: 'notify'; notification: Notification }
  | { type: 'alert'; notification: Notification };

/** The result of one pure transition. */
export interface Transition {
  state: RolloutState;
  effects: Effect[];
  /** Why the rollout did not advance at this tick, if it did not. */
  hold?: string;
}

export function unchanged(state: RolloutState, hold?: string): Transition {
  return hold === undefined ? { state, effects: [] } : { state, effects: [], hold };
}

/** Concatenates two transitions applied one after the other. */
export function chain(first: Transition, second: (state: RolloutState) => Transition): Transition {
  const next = second(first.state);
  const out: Transition = { state: next.state, effects: [...first.effects, ...next.effects] };
  const hold = next.hold ?? first.hold;
  if (hold !== undefined) out.hold = hold;
  return out;
}
