import type { FleetTracker } from './fleet-tracker.js';

export interface FleetInstanceRef {
  appName: string;
  instanceId: string;
}

/** Whether the SDK instances took a rollback: each fetched the revision that turned the flag off. */
export interface FleetConfirmation {
  /** The store revision written by the rollback (the flag off). */
  revision: number;
  decidedAt: Date;
  /** Instances seen within the activity window. */
  instances: number;
  /** Of them, those that have the revision (or a newer one). */
  confirmed: number;
  complete: boolean;
  /** The last instance to take the revision, and how long after the decision. */
  slowest?: FleetInstanceRef & { afterMs: number };
  /** Up to MAX_STRAGGLERS instances still without the revision, with the revision they have. */
  stragglers: (FleetInstanceRef & { revision?: number; lastSeenAt: Date })[];
}

const MAX_STRAGGLERS = 10;

/**
 * Confirms a rollback against the instances seen within `activeWithinMs`: an instance that stopped
 * calling longer ago is gone (scaled down, crashed) and would never confirm.
 */
export function confirmFleet(
  tracker: FleetTracker,
  target: { revision: number; decidedAt: Date; activeWithinMs: number },
): FleetConfirmation {
  const active = tracker.active(target.activeWithinMs);
  let confirmed = 0;
  let slowest: FleetConfirmation['slowest'];
  const stragglers: FleetConfirmation['stragglers'] = [];
  for (const instance of active) {
    const at = tracker.firstAt(instance.appName, instance.instanceId, target.revision);
    if (at === undefined) {
      if (stragglers.length < MAX_STRAGGLERS) {
        stragglers.push({
          appName: instance.appName,
          instanceId: instance.instanceId,
          ...(instance.revision === undefined ? {} : { revision: instance.revision }),
          lastSeenAt: instance.lastSeenAt,
        });
      }
      continue;
    }
    confirmed++;
    const afterMs = Math.max(0, at.getTime() - target.decidedAt.getTime());
    if (!slowest || afterMs > slowest.afterMs) {
      slowest = { appName: instance.appName, instanceId: instance.instanceId, afterMs };
    }
  }
  return {
    revision: target.revision,
    decidedAt: target.decidedAt,
    instances: active.length,
    confirmed,
    complete: active.length > 0 && confirmed === active.length,
    ...(slowest ? { slowest } : {}),
    stragglers,
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
const name = (i: FleetInstanceRef) => `${i.appName}/${i.instanceId}`;

/** One line for notifications and `rampart status`: "off on 37 of 37 instances after 0.4 s (slowest …)". */
export function describeFleetConfirmation(c: FleetConfirmation): string {
  if (c.instances === 0) return 'no SDK instance seen recently: nothing to confirm';
  if (c.complete) {
    const slowest = c.slowest ? ` (slowest ${name(c.slowest)})` : '';
    return `off on ${c.confirmed} of ${c.instances} instances after ${seconds(c.slowest?.afterMs ?? 0)}${slowest}`;
  }
  const listed = c.stragglers.map((s) => `${name(s)} at revision ${s.revision ?? 'none'}`).join(', ');
  const more = c.instances - c.confirmed - c.stragglers.length;
  return `off on ${c.confirmed} of ${c.instances} instances; not yet: ${listed}${more > 0 ? ` and ${more} more` : ''}`;
}
