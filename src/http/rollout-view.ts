import type { Verdict } from '../analysis/verdict.js';
import { nextAllowedAt, windowAllows } from '../controller/windows.js';
import type { FlagState } from '../flag-backends/flag-backend.js';
import type { RollbackFleetView } from '../flag-backends/fleet/rollback-fleet-watch.js';
import type { AdvanceCondition } from '../rollout/advance-conditions.js';
import { advanceConditions } from '../rollout/advance-conditions.js';
import { isAdvancing } from '../rollout/phase.js';
import type { FlagWrite, RolloutState } from '../rollout/rollout-state.js';
import { describeStart } from '../rollout/start-policy.js';
import type { LastTick } from './tick-log.js';

const WEEK_MS = 7 * 86_400_000;

/** One condition of the next advance and whether it holds now (the controller's hold text left out). */
export type AdvanceConditionView = Omit<AdvanceCondition, 'hold'>;

/**
 * A flag write rampart decided but has not seen confirmed by read-back: until it is, the decided
 * percentage is not what users get. `attempts > 0` means it failed that often (`lastError` says why).
 */
export interface PendingWriteView {
  purpose: 'step' | 'rollback' | 'resume';
  write: FlagWrite;
  decidedAt: string;
  /** Milliseconds since the decision, at the time of the answer. */
  ageMs: number;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string;
}

export interface RolloutSummary {
  name: string;
  description: string | null;
  flag: string;
  phase: RolloutState['phase'];
  step: number | null;
  steps: number[];
  /**
   * In the list: the percentage rampart decided (no flag is read for a list; `pendingWrite` says when
   * it is not written yet). In the detail: the percentage read back from the backend when it could
   * be read (`percentageSource`), with `decidedPercentage` beside it.
   */
  percentage: number;
  /** What rampart decided is live (the state's percentage); differs from a read-back while a write is pending. */
  decidedPercentage: number;
  pendingWrite: PendingWriteView | null;
  reason: string | null;
  hold: string | null;
  /**
   * The spec file on disk differs from the running spec because its reload was refused, and why;
   * null when the running spec is the file's.
   */
  refusedSpec: { problems: string[] } | null;
  /** How a pending rollout starts ("waits for rampart start", ...); null once it started. */
  start: string | null;
  /** When the soak at 100 % ends (soaking only). */
  soakEndsAt: string | null;
  updatedAt: string;
}

export interface RolloutDetail extends RolloutSummary {
  /** The flag as read back from its backend now, or why it could not be read. */
  flagReadBack: { enabled: boolean; percentage: number; exists: boolean } | { error: string };
  verdicts: Verdict[];
  verdictsAt: string | null;
  nextStep: { percentage: number; earliestAt: string | null; conditions: AdvanceConditionView[] } | null;
  pendingApproval: { step: number; percentage: number } | null;
  /** Where `percentage` comes from: the flag as read back now, or the decision when the flag is unreadable. */
  percentageSource: 'read-back' | 'decided';
  stepStartedAt: string;
  /**
   * After a rollback of an embedded flag: which SDK instances have fetched the revision with the flag
   * off (absent when rampart serves no SDKs; null when there was no rollback since it started).
   */
  fleet?: FleetConfirmationView | null;
}

/** A rollback's fleet confirmation as the API answers it. */
export interface FleetConfirmationView {
  /** `sdk-fetches` (embedded: each instance's fetch seen) or `unleash-metrics` (per-application counts). */
  source: RollbackFleetView['source'];
  revision: number;
  decidedAt: string;
  instances: number;
  confirmed: number;
  complete: boolean;
  waiting: boolean;
  slowest: { appName: string; instanceId: string; afterMs: number } | null;
  stragglers: { appName: string; instanceId: string; revision: number | null; lastSeenAt: string }[];
  /** One line, e.g. "off on 37 of 37 instances after 0.4 s (slowest login/pod-3)". */
  summary: string;
}

/** The JSON form of a RollbackFleetWatch view. */
export function fleetConfirmationView(v: RollbackFleetView): FleetConfirmationView {
  return {
    source: v.source,
    revision: v.revision,
    decidedAt: v.decidedAt.toISOString(),
    instances: v.instances,
    confirmed: v.confirmed,
    complete: v.complete,
    waiting: v.waiting,
    slowest: v.slowest ?? null,
    stragglers: v.stragglers.map((s) => ({
      appName: s.appName,
      instanceId: s.instanceId,
      revision: s.revision ?? null,
      lastSeenAt: s.lastSeenAt.toISOString(),
    })),
    summary: v.summary,
  };
}

function pendingWriteView(state: RolloutState, now: Date): PendingWriteView | null {
  const p = state.pendingWrite;
  if (p === null) return null;
  return {
    purpose: p.purpose,
    write: p.write,
    decidedAt: p.decidedAt.toISOString(),
    ageMs: Math.max(0, now.getTime() - p.decidedAt.getTime()),
    attempts: p.attempts,
    lastError: p.lastError,
    nextAttemptAt: p.nextAttemptAt.toISOString(),
  };
}

/** The share of users a read-back flag exposes: a missing or switched-off flag exposes nobody. */
function exposedPercentage(flag: Pick<FlagState, 'exists' | 'enabled' | 'percentage'>): number {
  return flag.exists && flag.enabled ? flag.percentage : 0;
}

export function rolloutSummary(state: RolloutState, now: Date): RolloutSummary {
  return {
    name: state.name,
    description: state.spec.description ?? null,
    flag: state.spec.flag.name,
    phase: state.phase,
    step: state.stepIndex >= 0 ? state.stepIndex : null,
    steps: state.spec.steps,
    percentage: state.percentage,
    decidedPercentage: state.percentage,
    pendingWrite: pendingWriteView(state, now),
    reason: state.reason,
    hold: state.hold,
    refusedSpec: state.refusedSpecHash === null ? null : { problems: state.refusedSpecProblems ?? [] },
    start: state.phase === 'pending' && !state.started ? describeStart(state.spec.start) : null,
    soakEndsAt:
      state.phase === 'soaking'
        ? new Date(state.stepStartedAt.getTime() + state.spec.soak).toISOString()
        : null,
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
  let nextStep: RolloutDetail['nextStep'] = null;
  if (isAdvancing(state.phase) && nextPercentage !== undefined) {
    const bakeEnds = state.stepStartedAt.getTime() + state.spec.bake;
    const conditions = advanceConditions(state, verdicts, now, windowAllows(state.spec.windows, now));
    const windowFrom = new Date(Math.max(bakeEnds, now.getTime()));
    const earliest = nextAllowedAt(state.spec.windows, windowFrom, WEEK_MS);
    nextStep = {
      percentage: nextPercentage,
      earliestAt: earliest ? earliest.toISOString() : null,
      conditions: conditions.map(({ name, met, detail }) => ({ name, met, detail })),
    };
  }
  const readable = !(flag instanceof Error);
  return {
    ...rolloutSummary(state, now),
    // What users get is what the backend has, not what rampart decided (a write may be failing).
    percentage: readable ? exposedPercentage(flag) : state.percentage,
    percentageSource: readable ? 'read-back' : 'decided',
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
    stepStartedAt: state.stepStartedAt.toISOString(),
  };
}
