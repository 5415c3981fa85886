import type { Verdict } from '../analysis/verdict.js';
import { treatmentSamples } from '../controller/evaluate.js';
import { nextAllowedAt, windowAllows } from '../controller/windows.js';
import type { FlagState } from '../flag-backends/flag-backend.js';
import { isAdvancing } from '../rollout/phase.js';
import type { RolloutState } from '../rollout/rollout-state.js';
import type { LastTick } from './tick-log.js';

const WEEK_MS = 7 * 86_400_000;

/** One condition of the next advance and whether it holds now. */
export interface AdvanceCondition {
  name: 'bake' | 'samples' | 'guardrails' | 'window' | 'approval';
  met: boolean;
  detail: string;
}

export interface RolloutSummary {
  name: string;
  description: string | null;
  flag: string;
  phase: RolloutState['phase'];
  step: number | null;
  steps: number[];
  percentage: number;
  reason: string | null;
  hold: string | null;
  updatedAt: string;
}

export interface RolloutDetail extends RolloutSummary {
  /** The flag as read back from its backend now, or why it could not be read. */
  flagReadBack: { enabled: boolean; percentage: number; exists: boolean } | { error: string };
  verdicts: Verdict[];
  verdictsAt: string | null;
  nextStep: { percentage: number; earliestAt: string | null; conditions: AdvanceCondition[] } | null;
  pendingApproval: { step: number; percentage: number } | null;
  pendingWrite: RolloutState['pendingWrite'];
  stepStartedAt: string;
}

export function rolloutSummary(state: RolloutState): RolloutSummary {
  return {
    name: state.name,
    description: state.spec.description ?? null,
    flag: state.spec.flag.name,
    phase: state.phase,
    step: state.stepIndex >= 0 ? state.stepIndex : null,
    steps: state.spec.steps,
    percentage: state.percentage,
    reason: state.reason,
    hold: state.hold,
    updatedAt: state.updatedAt.toISOString(),
  };
}

/** The read model of one rollout: pure, from state, the last tick and a flag read-back. */
export function rolloutDetail(
  state: RolloutState,
  last: LastTick | undefined,
  flag: FlagState | Error,
  now: Date,
): RolloutDetail {
  const verdicts = last?.verdicts ?? [];
  const nextIndex = state.stepIndex + 1;
  const nextPercentage = state.spec.steps[nextIndex];
  const above = state.spec.approvals?.above;
  let nextStep: RolloutDetail['nextStep'] = null;
  if (isAdvancing(state.phase) && nextPercentage !== undefined) {
    const bakeEnds = state.stepStartedAt.getTime() + state.spec.bake;
    const samples = treatmentSamples(verdicts);
    const failing = verdicts.filter((v) => v.status !== 'pass').map((v) => `${v.guardrail} ${v.status}`);
    const windowOpen = windowAllows(state.spec.windows, now);
    const needsApproval = above !== undefined && nextPercentage > above && state.approvedStep !== nextIndex;
    const windowFrom = new Date(Math.max(bakeEnds, now.getTime()));
    const earliest = nextAllowedAt(state.spec.windows, windowFrom, WEEK_MS);
    nextStep = {
      percentage: nextPercentage,
      earliestAt: earliest ? earliest.toISOString() : null,
      conditions: [
        {
          name: 'bake',
          met: now.getTime() >= bakeEnds,
          detail:
            now.getTime() >= bakeEnds
              ? 'bake time elapsed'
              : `${Math.ceil((bakeEnds - now.getTime()) / 1000)} s of bake left`,
        },
        {
          name: 'samples',
          met: samples >= state.spec.minSamples,
          detail: `${samples} of ${state.spec.minSamples} treatment events`,
        },
        {
          name: 'guardrails',
          met: verdicts.length > 0 && failing.length === 0,
          detail: verdicts.length === 0 ? 'no verdicts yet' : failing.join(', ') || 'all pass',
        },
        {
          name: 'window',
          met: windowOpen,
          detail: windowOpen ? 'inside the allowed window' : 'outside the window',
        },
        {
          name: 'approval',
          met: !needsApproval,
          detail: needsApproval ? `steps above ${above} % need a release manager's approval` : 'not needed',
        },
      ],
    };
  }
  return {
    ...rolloutSummary(state),
    flagReadBack:
      flag instanceof Error
        ? { error: flag.message }
        : { enabled: flag.enabled, percentage: flag.percentage, exists: flag.exists },
    verdicts,
    verdictsAt: last ? last.at.toISOString() : null,
    nextStep,
    pendingApproval:
      state.phase === 'awaiting_approval' && nextPercentage !== undefined
        ? { step: nextIndex, percentage: nextPercentage }
        : null,
    pendingWrite: state.pendingWrite,
    stepStartedAt: state.stepStartedAt.toISOString(),
  };
}
