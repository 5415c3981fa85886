import type { AuditAction } from '../rollout/audit.js';
import { auditEntry } from '../rollout/audit.js';
import { type FaultWindow, faultWindowEvidence, faultWindowOf } from '../rollout/fault-window.js';
import type { Phase } from '../rollout/phase.js';
import type { RollbackCause } from '../rollout/rollback-cause.js';
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
  /** How people hear of it (default `notify`). */
  announce?: Announce;
  /** Why a rollback happened, for metrics and notifications (rollbacks only). */
  cause?: RollbackCause;
  /** Who may have met the fault (rollbacks and their confirmation): audited and notified. */
  faultWindow?: FaultWindow;
}

/** `alert` notifies and also raises an alert (rollback, no data, external change). */
export type Announce = 'notify' | 'alert' | 'silent';

/** The options of a change that only says who did it and why. */
export type ChangeBy = Pick<ChangeOptions, 'actor' | 'reason' | 'evidence'>;

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
  const { actor, action, reason } = options;
  const evidence = options.faultWindow
    ? withFaultWindow(options.evidence, faultWindowEvidence(state.name, options.faultWindow))
    : options.evidence;
  const entry = auditEntry(state, next, { at: now, actor, action, reason, evidence });
  effects.push(options.cause ? { type: 'audit', entry, cause: options.cause } : { type: 'audit', entry });
  if (options.write) effects.push({ type: 'writeFlag', write: options.write.write });
  const notification = {
    rollout: state.name,
    title: `${state.name}: ${options.action.replaceAll('_', ' ')}`,
    reason: options.reason,
    fromPhase: state.phase,
    toPhase: next.phase,
    percentage: next.percentage,
    at: now,
    ...(options.cause ? { cause: options.cause } : {}),
    ...(options.faultWindow ? { faultWindow: options.faultWindow } : {}),
  };
  const announce = options.announce ?? 'notify';
  if (announce !== 'silent') effects.push({ type: 'notify', notification });
  if (announce === 'alert')
    effects.push({ type: 'alert', notification: { ...notification, title: `ALERT ${notification.title}` } });
  return { state: next, effects };
}

/** Adds the fault window to an entry's evidence (kept as it was when it is not an object). */
function withFaultWindow(evidence: unknown, faultWindow: unknown): unknown {
  const isObject = typeof evidence === 'object' && evidence !== null && !Array.isArray(evidence);
  if (isObject) return { ...evidence, faultWindow };
  return evidence === undefined || evidence === null ? { faultWindow } : { evidence, faultWindow };
}

/**
 * Moves to step `index` and decides the flag write. The last step (100 %) soaks: the rollout
 * completes only after `spec.soak` there (see evaluateSoak), so nothing reaches 100 % unwatched.
 */
export function moveToStep(
  state: RolloutState,
  now: Date,
  index: number,
  options: ChangeBy & { action: 'started' | 'advanced' | 'promoted' },
): Transition {
  const last = state.spec.steps.length - 1;
  const percentage = stepPercentage(state.spec, index);
  const phase: Phase = index >= last ? 'soaking' : 'ramping';
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
      write: { write: { action: 'set', percentage }, purpose: 'step' },
    },
  );
}

/** Latches `rolled_back` and decides the kill-switch write (never held by windows or approvals). */
export function rollback(
  state: RolloutState,
  now: Date,
  options: ChangeBy & { cause: RollbackCause },
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
    {
      ...options,
      action: 'rolled_back',
      write: { write, purpose: 'rollback' },
      announce: 'alert',
      faultWindow: faultWindowOf(state, null),
    },
  );
}

export function pause(
  state: RolloutState,
  now: Date,
  kind: PauseKind,
  options: ChangeBy & { action?: AuditAction; announce?: Announce },
): Transition {
  return change(
    state,
    now,
    { phase: 'paused', reason: options.reason, pauseKind: kind, hold: options.reason },
    { ...options, action: options.action ?? 'paused' },
  );
}
