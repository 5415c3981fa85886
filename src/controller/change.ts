import type { AuditAction } from '../rollout/audit.js';
import { auditEntry } from '../rollout/audit.js';
import type { Phase } from '../rollout/phase.js';
import type { FlagWrite, PauseKind, PendingWrite, RolloutState } from '../rollout/rollout-state.js';
import { stepPercentage } from '../rollout/rollout-state.js';
import type { Effect, Transition } from './effects.js';

/** The controller's own name in the audit log. */
export const RAMPART_ACTOR = 'rampart';

export interface ChangeOptions {
  action: AuditAction;
  actor: string;
  reason: string;
  evidence?: unknown;
  /** A flag write this change decides; it becomes the durable pending write. */
  write?: { write: FlagWrite; purpose: PendingWrite['purpose'] };
  /** Tell people (default true). */
  notify?: boolean;
  /** Also raise an alert (no data, external change). */
  alert?: boolean;
}

/** Builds a transition: the next state, its audit entry, the flag write and notifications. */
export function change(
  state: RolloutState,
  now: Date,
  patch: Partial<RolloutState>,
  options: ChangeOptions,
): Transition {
  const next: RolloutState = { ...state, ...patch, updatedAt: now };
  const effects: Effect[] = [];
  if (options.write) {
    next.pendingWrite = {
      write: options.write.write,
      purpose: options.write.purpose,
      decidedAt: now,
      attempts: 0,
      nextAttemptAt: now,
      lastError: null,
    };
  }
  const { actor, action, reason, evidence } = options;
  effects.push({
    type: 'audit',
    entry: auditEntry(state, next, { at: now, actor, action, reason, evidence }),
  });
  if (options.write) effects.push({ type: 'writeFlag', write: options.write.write });
  const notification = {
    rollout: state.name,
    title: `${state.name}: ${options.action.replaceAll('_', ' ')}`,
    reason: options.reason,
    fromPhase: state.phase,
    toPhase: next.phase,
    percentage: next.percentage,
    at: now,
  };
  if (options.notify ?? true) effects.push({ type: 'notify', notification });
  if (options.alert)
    effects.push({ type: 'alert', notification: { ...notification, title: `ALERT ${notification.title}` } });
  return { state: next, effects };
}

/** Moves to step `index` (the last step completes the rollout) and decides the flag write. */
export function moveToStep(
  state: RolloutState,
  now: Date,
  index: number,
  options: { action: 'started' | 'advanced' | 'promoted'; actor: string; reason: string; evidence?: unknown },
): Transition {
  const last = state.spec.steps.length - 1;
  const percentage = stepPercentage(state.spec, index);
  const phase: Phase = index >= last ? 'completed' : 'ramping';
  return change(
    state,
    now,
    {
      phase,
      stepIndex: index,
      percentage,
      stepStartedAt: now,
      stepStarts: [...state.stepStarts, { stepIndex: index, percentage, at: now }],
      lastDataAt: now,
      reason: null,
      pauseKind: null,
      hold: null,
    },
    {
      ...options,
      action: phase === 'completed' && options.action !== 'promoted' ? 'completed' : options.action,
      write: { write: { action: 'set', percentage }, purpose: 'step' },
    },
  );
}

/** Latches `rolled_back` and decides the kill-switch write (never held by windows or approvals). */
export function rollback(
  state: RolloutState,
  now: Date,
  options: { actor: string; reason: string; evidence?: unknown },
): Transition {
  const write: FlagWrite = state.spec.rollback === 'zero' ? { action: 'zero' } : { action: 'disable' };
  return change(
    state,
    now,
    {
      phase: 'rolled_back',
      percentage: 0,
      reason: options.reason,
      pauseKind: null,
      hold: null,
      approvedStep: null,
    },
    { ...options, action: 'rolled_back', write: { write, purpose: 'rollback' }, alert: true },
  );
}

export function pause(
  state: RolloutState,
  now: Date,
  kind: PauseKind,
  options: { actor: string; reason: string; evidence?: unknown; action?: AuditAction; alert?: boolean },
): Transition {
  return change(
    state,
    now,
    { phase: 'paused', reason: options.reason, pauseKind: kind, hold: options.reason },
    { ...options, action: options.action ?? 'paused' },
  );
}
