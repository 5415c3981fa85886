import type { Verdict } from '../analysis/verdict.js';
import type { FlagState } from '../flag-backends/flag-backend.js';
import type { AuditDraft } from '../rollout/audit.js';
import { auditEntry } from '../rollout/audit.js';
import type { CommandOutcome, QueuedCommand } from '../rollout/command.js';
import { isRunning } from '../rollout/phase.js';
import type { RolloutState } from '../rollout/rollout-state.js';
import {
  alertAfterCompletion,
  alertIgnored,
  alertMatches,
  applyCommand,
  commandConflict,
} from './apply-command.js';
import type { Transition } from './effects.js';
import { chain, unchanged } from './effects.js';
import { evaluate, evaluatePending } from './evaluate.js';
import { checkExternalChange } from './write-outcome.js';

/** Everything one tick knows; the spec is the one in `state` (a reload replaces it there). */
export interface DecideInput {
  state: RolloutState;
  /** Queued commands, oldest first. */
  commands: readonly QueuedCommand[];
  /** The flag as read at this tick; undefined when the read failed or was not needed. */
  flag: FlagState | undefined;
  /** Verdicts of this tick (before the first step: the preflight ones); empty when none were asked for. */
  verdicts: readonly Verdict[];
  now: Date;
}

export interface Decision {
  transition: Transition;
  /** What became of each command. */
  outcomes: CommandOutcome[];
}

/** Applies queued commands in order; a command the phase no longer allows is rejected and audited. */
export function applyCommands(state: RolloutState, commands: readonly QueuedCommand[], now: Date): Decision {
  const outcomes: CommandOutcome[] = [];
  let t: Transition = unchanged(state);
  for (const command of commands) {
    t = chain(t, (s) => {
      if (command.kind === 'alert') {
        const ignored = alertIgnored(s, command);
        if (ignored) {
          outcomes.push({ id: command.id, status: 'ignored', result: ignored, at: now });
          return s.phase === 'completed' &&
            command.alert.status !== 'resolved' &&
            alertMatches(s.spec, command.alert.labels)
            ? alertAfterCompletion(s, command, now)
            : unchanged(s);
        }
      } else {
        const conflict = commandConflict(s, command);
        if (conflict) {
          outcomes.push({ id: command.id, status: 'rejected', result: conflict, at: now });
          return { state: s, effects: [{ type: 'audit', entry: rejection(s, command, conflict, now) }] };
        }
      }
      outcomes.push({ id: command.id, status: 'applied', result: `${command.kind} applied`, at: now });
      return applyCommand(s, command, now);
    });
  }
  return { transition: t, outcomes };
}

/** Whether a rollout in this state asks the VerdictSource at all (pending and finished ones do not). */
export function wantsVerdicts(state: RolloutState): boolean {
  return isRunning(state.phase) && state.stepIndex >= 0;
}

/**
 * The pure transition of one tick: commands first (a person's latest word), then a hand change of
 * the flag, then the guardrails and gates. Returns the next state and the effects to execute.
 */
export function decide(input: DecideInput): Decision {
  const { now } = input;
  const { transition, outcomes } = applyCommands(input.state, input.commands, now);
  let t = transition;
  const flag = input.flag;
  if (flag) t = chain(t, (s) => checkExternalChange(s, flag, now));
  if (t.state.phase === 'pending') t = chain(t, (s) => evaluatePending(s, now, input.verdicts));
  else if (wantsVerdicts(t.state)) t = chain(t, (s) => evaluate(s, input.verdicts, now));
  return { transition: t, outcomes };
}

function rejection(state: RolloutState, command: QueuedCommand, conflict: string, now: Date): AuditDraft {
  return auditEntry(state, state, {
    at: now,
    actor: command.actor,
    action: 'command_rejected',
    reason: conflict,
    evidence: { command: command.kind, id: command.id, reason: command.reason },
  });
}
