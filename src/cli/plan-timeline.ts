import { nextAllowedAt } from '../controller/windows.js';
import { stepNeedsApproval } from '../rollout/advance-conditions.js';
import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';

/** One step of the earliest possible timeline of a rollout. */
export interface PlannedStep {
  index: number;
  percentage: number;
  /** Entering this step waits for a release manager's approval (percentage above approvals.above). */
  approval: boolean;
  /** Earliest time the step is reached; undefined when no allowed window comes within the horizon. */
  reachedAt: Date | undefined;
  /** Minimum time at the step (for the last step: the soak). */
  bakeMs: number;
  /**
   * Earliest time the step may advance: after the bake, inside the windows. For the last step: when
   * the soak ends and the rollout completes (completing writes nothing, so no window holds it).
   */
  advanceAt: Date | undefined;
  /** How long the windows hold the advance after the bake is done. */
  windowWaitMs: number;
}

/** How far ahead to look for an allowed minute (a window that opens once a year still shows). */
export const PLAN_HORIZON_MS = 366 * 24 * 3_600_000;

/**
 * The earliest timeline, as the controller would run it if every guardrail passed and every sample
 * arrived at once: the first step starts at the first allowed minute at or after `start` (or the
 * spec's start time, if later; a manual start is assumed to be given at `start`); each bake
 * starts when the previous step advanced; an advance (and the final completion) waits for the
 * windows. Approvals are assumed to be given at once, and marked.
 */
export function planTimeline(spec: RolloutSpec, start: Date, horizonMs = PLAN_HORIZON_MS): PlannedStep[] {
  const end = start.getTime() + horizonMs;
  const allowedFrom = (from: Date | undefined) =>
    from === undefined || from.getTime() > end
      ? undefined
      : nextAllowedAt(spec.windows, from, end - from.getTime());
  const startAt =
    spec.start.mode === 'at' ? Math.max(start.getTime(), Date.parse(spec.start.at)) : start.getTime();
  let reachedAt = allowedFrom(new Date(startAt));
  const last = spec.steps.length - 1;
  return spec.steps.map((percentage, index) => {
    const bakeMs = index === last ? spec.soak : spec.bake;
    const baked = reachedAt && new Date(reachedAt.getTime() + bakeMs);
    const advanceAt = index === last ? baked : allowedFrom(baked);
    const step: PlannedStep = {
      index,
      percentage,
      approval: stepNeedsApproval(spec, percentage),
      reachedAt,
      bakeMs,
      advanceAt,
      windowWaitMs: advanceAt && baked ? advanceAt.getTime() - baked.getTime() : 0,
    };
    reachedAt = advanceAt;
    return step;
  });
}
