import type { AlertCommand, CommandInput } from '../rollout/command.js';
import type { Phase } from '../rollout/phase.js';
import { isRunning } from '../rollout/phase.js';
import type { RolloutState } from '../rollout/rollout-state.js';
import { stepPercentage } from '../rollout/rollout-state.js';
import { labelsMatch } from '../rollout-spec/labels-match.js';
import type { LabelMatchers, RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import { change, moveToStep, pause, rollback } from './change.js';
import type { Transition } from './effects.js';

/** Phases in which each person's command is valid. */
export const VALID_PHASES: Record<Exclude<CommandInput['kind'], 'alert'>, readonly Phase[]> = {
  start: ['pending'],
  pause: ['pending', 'ramping', 'awaiting_approval', 'soaking'],
  resume: ['paused', 'rolled_back'],
  approve: ['awaiting_approval'],
  promote: ['ramping', 'awaiting_approval'],
  // A completed rollout is rolled back by a person (or afterCompletion.alerts: rollback), never by rampart alone.
  rollback: ['pending', 'ramping', 'awaiting_approval', 'paused', 'soaking', 'completed'],
};

/** Whether an alert's labels carry every matcher of the rollout's `alerts.match` (none: never). */
export function alertMatches(spec: RolloutSpec, labels: LabelMatchers): boolean {
  return spec.alerts !== undefined && labelsMatch(labels, spec.alerts.match);
}

/**
 * Why `command` cannot be applied to `state`, or undefined when it can. Used at submission (to
 * answer the person with a conflict) and again when the controller applies it (state may have moved).
 */
export function commandConflict(state: RolloutState, command: CommandInput): string | undefined {
  if (command.kind === 'alert') return undefined;
  const valid = VALID_PHASES[command.kind];
  if (!valid.includes(state.phase)) {
    return `cannot ${command.kind} rollout ${state.name} in phase ${state.phase} (valid in: ${valid.join(', ')})`;
  }
  if (command.kind === 'start' && state.started) {
    return `rollout ${state.name} was already started by ${state.started.actor}; it waits for ${state.hold ?? 'its next tick'}`;
  }
  if (command.kind === 'resume' && state.pendingWrite?.purpose === 'rollback') {
    return `cannot resume rollout ${state.name}: its rollback is not confirmed by the flag backend yet`;
  }
  return undefined;
}

/** Why an alert does not act on this rollout, or undefined when it rolls it back. */
export function alertIgnored(state: RolloutState, command: AlertCommand): string | undefined {
  const alert = command.alert;
  if (alert.status === 'resolved') return 'alert resolved';
  if (!alertMatches(state.spec, alert.labels))
    return `alert labels do not match alerts.match of ${state.name}`;
  if (state.phase === 'completed') {
    return state.spec.afterCompletion.alerts === 'rollback'
      ? undefined
      : `rollout ${state.name} completed: audited and notified, not rolled back (afterCompletion.alerts: notify)`;
  }
  // Only a running step has something to roll back.
  if (!isRunning(state.phase)) return `rollout ${state.name} is ${state.phase}: nothing to roll back`;
  return undefined;
}

/**
 * A matching alert after completion: people hear of it and the audit log keeps it, but rolling
 * back a rollout that finished its soak is a person's decision (`rampart rollback`).
 */
export function alertAfterCompletion(state: RolloutState, command: AlertCommand, now: Date): Transition {
  return change(
    state,
    now,
    {},
    {
      action: 'alert_after_completion',
      actor: command.actor,
      reason: `alert after completion: ${command.reason}; not rolled back (rolling back a completed rollout is rampart rollback)`,
      evidence: { labels: command.alert.labels, fingerprint: command.alert.fingerprint ?? null },
      announce: 'alert',
    },
  );
}

/** Applies one valid command. The caller checked commandConflict / alertIgnored first. */
export function applyCommand(state: RolloutState, command: CommandInput, now: Date): Transition {
  const by = { actor: command.actor, reason: command.reason };
  switch (command.kind) {
    case 'start':
      // The start is recorded; evaluatePending moves to the first step when windows and approvals allow.
      return change(
        state,
        now,
        { started: { actor: command.actor, reason: command.reason, at: now } },
        { ...by, action: 'start_requested' },
      );
    case 'pause':
      return pause(state, now, 'manual', by);
    case 'resume':
      return resume(state, command, now);
    case 'approve':
      return change(
        state,
        now,
        { phase: state.stepIndex < 0 ? 'pending' : 'ramping', approvedStep: state.stepIndex + 1, hold: null },
        { ...by, action: 'approved' },
      );
    case 'promote': {
      const index = command.full ? state.spec.steps.length - 1 : state.stepIndex + 1;
      return moveToStep(state, now, index, {
        ...by,
        action: 'promoted',
        evidence: { full: command.full },
      });
    }
    case 'rollback':
      return rollback(state, now, { ...by, cause: { kind: 'person', actor: command.actor } });
    case 'alert':
      return rollback(state, now, {
        actor: command.actor,
        reason: `alert: ${command.reason}`,
        evidence: { labels: command.alert.labels, fingerprint: command.alert.fingerprint ?? null },
        cause: { kind: 'alert', alertname: command.alert.labels.alertname ?? null },
      });
  }
}

function resume(state: RolloutState, command: CommandInput, now: Date): Transition {
  const by = { actor: command.actor, reason: command.reason };
  if (state.phase === 'rolled_back') {
    // A person restarts from the first step; the windows and approvals gate it again.
    return change(
      state,
      now,
      {
        phase: 'pending',
        // A person's restart is also its start: it does not wait for another `rampart start`.
        started: { actor: command.actor, reason: command.reason, at: now },
        stepIndex: -1,
        percentage: 0,
        approvedStep: null,
        reason: null,
        pauseKind: null,
        hold: null,
        stepStartedAt: now,
        stepStarts: [],
        lastDataAt: now,
      },
      { ...by, action: 'restarted' },
    );
  }
  const last = state.spec.steps.length - 1;
  // Paused during the soak: the soak starts again from the resume (the whole of it is watched).
  const phase: Phase = state.stepIndex < 0 ? 'pending' : state.stepIndex >= last ? 'soaking' : 'ramping';
  const percentage = stepPercentage(state.spec, state.stepIndex);
  // A person's resume starts a new run of the cumulative tests at the current step.
  const stepStarts = state.stepIndex < 0 ? [] : [{ stepIndex: state.stepIndex, percentage, at: now }];
  const patch = {
    phase,
    reason: null,
    pauseKind: null,
    hold: null,
    stepStartedAt: now,
    stepStarts,
    lastDataAt: now,
  };
  // After a hand change the person asked to go on: rampart re-asserts its step, once.
  const reassert = state.pauseKind === 'external_change' && state.stepIndex >= 0;
  return change(state, now, patch, {
    ...by,
    action: 'resumed',
    ...(reassert
      ? { write: { write: { action: 'set' as const, percentage }, purpose: 'resume' as const } }
      : {}),
  });
}
