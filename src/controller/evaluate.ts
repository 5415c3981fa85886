import type { Verdict } from '../analysis/verdict.js';
import { soakGuardrails } from '../guardrails/registry.js';
import type { AdvanceCondition } from '../rollout/advance-conditions.js';
import { advanceConditions, needsApproval } from '../rollout/advance-conditions.js';
import type { RolloutState } from '../rollout/rollout-state.js';
import { atLastStep } from '../rollout/rollout-state.js';
import { describeStart, startReason } from '../rollout/start-policy.js';
import { formatDuration } from '../rollout-spec/duration.js';
import { change, moveToStep, pause, RAMPART_ACTOR, rollback } from './change.js';
import type { Transition } from './effects.js';
import { unchanged } from './effects.js';
import { windowAllows } from './windows.js';

function evidenceOf(verdicts: readonly Verdict[]) {
  return {
    verdicts: verdicts.map((v) => ({
      guardrail: v.guardrail,
      kind: v.kind,
      status: v.status,
      reason: v.reason,
      evidence: v.evidence,
    })),
  };
}

/**
 * Takes the step gate: approval, then the move itself. Shared by the first step (from pending)
 * and every later step, after the caller checked bake, samples, verdicts and windows.
 */
function gateAndMove(
  state: RolloutState,
  now: Date,
  next: number,
  reason: string,
  evidence: unknown,
  actor = RAMPART_ACTOR,
): Transition {
  if (needsApproval(state, next)) {
    const percentage = state.spec.steps[next];
    if (state.phase === 'awaiting_approval') return unchanged(state, `awaiting approval for ${percentage} %`);
    return change(
      state,
      now,
      { phase: 'awaiting_approval', hold: `awaiting approval for ${percentage} %`, reason: null },
      {
        action: 'awaiting_approval',
        actor: RAMPART_ACTOR,
        reason: `step ${percentage} % is above ${state.spec.approvals?.above} % and needs an approval`,
        evidence,
      },
    );
  }
  return moveToStep(state, now, next, {
    action: next === 0 ? 'started' : 'advanced',
    actor,
    reason,
    evidence,
  });
}

/**
 * A pending rollout writes nothing until it is started (a person's `start`, `start: auto` or the
 * start time), then starts at its first step once the windows (and an approval, if needed) allow
 * and no preflight guardrail (a global SLO check, `preflight`) fails: a condition that holds
 * before the flag reaches anyone was not caused by it, so it holds the start instead of rolling
 * back later.
 */
export function evaluatePending(
  state: RolloutState,
  now: Date,
  preflight: readonly Verdict[] = [],
): Transition {
  const reason = startReason(state, now);
  if (reason === undefined) return held(state, describeStart(state.spec.start));
  if (!windowAllows(state.spec.windows, now)) return held(state, 'outside the allowed windows');
  const failing = preflight.find((v) => v.status === 'fail');
  if (failing) return held(state, `preflight: ${failing.reason}; the start waits until it passes`);
  const started = state.started ?? { actor: RAMPART_ACTOR, reason, at: now };
  return gateAndMove({ ...state, started }, now, 0, reason, null, started.actor);
}

/** A soak completes once it lasted `spec.soak` at 100 % with data at its last tick (never on missing evidence). */
function evaluateSoakEnd(state: RolloutState, hasData: boolean, now: Date): Transition {
  const soaked = now.getTime() - state.stepStartedAt.getTime();
  const soak = state.spec.soak;
  if (soaked < soak)
    return held(state, `soaking: ${formatDuration(soaked - (soaked % 1000))} of ${formatDuration(soak)}`);
  if (!hasData) return held(state, 'soak over; waiting for guardrail data before completing');
  return change(
    state,
    now,
    { phase: 'completed', hold: null, reason: null },
    {
      action: 'completed',
      actor: RAMPART_ACTOR,
      reason: `soaked ${formatDuration(soak)} at ${state.percentage} % without a rollback`,
    },
  );
}

/**
 * The pure heart of the controller for a running step (ramping, awaiting approval, soaking or paused):
 * rollback beats pause beats hold beats advance. Missing data never advances.
 */
export function evaluate(state: RolloutState, verdicts: readonly Verdict[], now: Date): Transition {
  const spec = state.spec;
  const evidence = evidenceOf(verdicts);
  const failRollback = verdicts.find((v) => v.status === 'fail' && v.onFail === 'rollback');
  if (failRollback) {
    return rollback(state, now, {
      actor: RAMPART_ACTOR,
      reason: `guardrail ${failRollback.reason}`,
      evidence,
      cause: { kind: 'guardrail', guardrail: failRollback.guardrail, guardrailKind: failRollback.kind },
    });
  }

  // A soak without guardrails that judge at 100 % has no verdicts to wait for (alerts still act).
  const noneExpected = atLastStep(state) && soakGuardrails(spec).length === 0;
  const hasData = (verdicts.length > 0 || noneExpected) && !verdicts.some((v) => v.status === 'error');
  const dataState = hasData ? { ...state, lastDataAt: now } : state;
  const silentFor = now.getTime() - Math.max(dataState.lastDataAt.getTime(), state.stepStartedAt.getTime());
  if (!hasData && silentFor > spec.noDataTimeout) {
    const reason = `no data for ${formatDuration(silentFor)} (noDataTimeout ${formatDuration(spec.noDataTimeout)})`;
    if (spec.onNoData === 'rollback')
      return rollback(state, now, { actor: RAMPART_ACTOR, reason, evidence, cause: { kind: 'no_data' } });
    if (state.phase !== 'paused') {
      return pause(state, now, 'no_data', { actor: RAMPART_ACTOR, reason, evidence, announce: 'alert' });
    }
  }

  const failPause = verdicts.find((v) => v.status === 'fail' && v.onFail === 'pause');
  if (failPause && state.phase !== 'paused') {
    return pause(dataState, now, 'guardrail', {
      actor: RAMPART_ACTOR,
      reason: `guardrail ${failPause.reason}`,
      evidence,
    });
  }
  if (state.phase === 'paused') return held(dataState, `paused: ${state.reason ?? 'no reason'}`);

  if (state.pendingWrite) return held(dataState, 'flag write not confirmed yet');
  if (state.phase === 'soaking') return evaluateSoakEnd(dataState, hasData, now);
  const conditions = advanceConditions(state, verdicts, now, windowAllows(spec.windows, now));
  for (const name of HOLD_ORDER) {
    const hold = conditions.find((c) => c.name === name)?.hold;
    if (hold) return held(dataState, hold);
  }
  const next = state.stepIndex + 1;
  return gateAndMove(dataState, now, next, `step ${state.percentage} % passed every guardrail`, evidence);
}

/** The order in which the controller reports what holds a step (approval is asked for, not held). */
const HOLD_ORDER: readonly AdvanceCondition['name'][] = ['bake', 'guardrails', 'samples', 'window'];

function held(state: RolloutState, hold: string): Transition {
  return unchanged({ ...state, hold }, hold);
}
