import type { RolloutSpec, StartPolicy } from '../rollout-spec/rollout-spec-schema.js';
import type { RolloutState } from './rollout-state.js';

/** What people read about when a pending rollout starts (`plan`, `status`, the status page). */
export function describeStart(start: StartPolicy): string {
  switch (start.mode) {
    case 'manual':
      return 'waits for rampart start';
    case 'auto':
      return 'starts automatically';
    case 'at':
      return `starts at ${start.at}`;
    default:
      return start satisfies never;
  }
}

/**
 * Why a pending rollout may start now, or undefined while it waits. A person's start (or restart)
 * counts first; otherwise the spec's `start` decides. Windows and approvals gate it afterwards.
 */
export function startReason(
  state: Pick<RolloutState, 'started'> & { spec: Pick<RolloutSpec, 'start'> },
  now: Date,
): string | undefined {
  if (state.started) return `started by ${state.started.actor}: ${state.started.reason}`;
  const start = state.spec.start;
  switch (start.mode) {
    case 'manual':
      return undefined;
    case 'auto':
      return 'start: auto';
    case 'at':
      return now.getTime() >= Date.parse(start.at) ? `start time ${start.at} reached` : undefined;
    default:
      return start satisfies never;
  }
}
