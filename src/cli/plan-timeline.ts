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
  /** Minimum time at the step. */
  bakeMs: number;
  /** Earliest time the step may advance (for the last step: complete): after the bake, inside the windows. */
  advanceAt: Date | undefined;
  /** How long the windows hold the advance after the bake is done. */
  windowWaitMs: number;
}

/** How far ahead to look for an allowed minute (a window that opens once a year still shows). */
export const PLAN_HORIZON_MS = 366 * 24 * 3_600_000;

/**
 * The earliest timeline, as the controller would run it if every guardrail passed and every sample
 * arrived at once: the first step starts at the first allowed minute at or after `start`; each bake
 * starts when the previous step advanced; an advance (and the final completion) waits for the
 * windows. Approvals are assumed to be given at once, and marked.
 */
export function planTimeline(spec: RolloutSpec, start: Date, horizonMs = PLAN_HORIZON_MS): PlannedStep[] {
  const end = start.getTime() + horizonMs;
  const allowedFrom = (from: Date | undefined) =>
    from === undefined || from.getTime() > end
      ? undefined
      : nextAllowedAt(spec.windows, from, end - from.getTime());
  let reachedAt = allowedFrom(start);
  return spec.steps.map((percentage, index) => {
    const baked = reachedAt && new Date(reachedAt.getTime() + spec.bake);
    const advanceAt = allowedFrom(baked);
    const step: PlannedStep = {
      index,
      percentage,
      approval: stepNeedsApproval(spec, percentage),
      reachedAt,
      bakeMs: spec.bake,
      advanceAt,
      windowWaitMs: advanceAt && baked ? advanceAt.getTime() - baked.getTime() : 0,
    };
    reachedAt = advanceAt;
    return step;
  });
}
