import { describe, expect, it } from 'vitest';
import {
  confirmFleet,
  describeFleetConfirmation,
} from '../../../../src/flag-backends/fleet/fleet-confirmation.js';
import { FleetTracker } from '../../../../src/flag-backends/fleet/fleet-tracker.js';
import { ManualClock } from '../../../../src/time/manual-clock.js';

function fleetAt(start = Date.UTC(2026, 11, 1, 9)) {
  const clock = new ManualClock(start);
  return { clock, fleet: new FleetTracker({ clock, maxInstances: 5 }) };
}

describe('FleetTracker', () => {
  it('keeps the first time each instance had a revision, through 304s and older revisions', () => {
    const { clock, fleet } = fleetAt();
    fleet.fetched('login', 'pod-1', 'features', 4);
    clock.advance(1000);
    fleet.fetched('login', 'pod-1', 'features', 7);
    const at7 = clock.now();
    clock.advance(1000);
    fleet.fetched('login', 'pod-1', 'features', 7); // a 304: same revision again
    fleet.fetched('login', 'pod-1', 'features', 6); // a slower replica's older answer
    expect(fleet.firstAt('login', 'pod-1', 7)).toEqual(at7);
    expect(fleet.firstAt('login', 'pod-1', 5)).toEqual(at7);
    expect(fleet.firstAt('login', 'pod-1', 8)).toBeUndefined();
    expect(fleet.active(60_000)[0]).toMatchObject({ revision: 7, fetchedAt: at7, lastChannel: 'features' });
  });

  it('forgets the least recently seen instance beyond maxInstances (bounded memory)', () => {
    const { clock, fleet } = fleetAt();
    for (let i = 1; i <= 6; i++) {
      fleet.seen('login', `pod-${i}`, 'register');
      clock.advance(10);
      if (i === 3) fleet.seen('login', 'pod-1', 'metrics'); // pod-1 seen again: pod-2 is now the oldest
    }
    expect(fleet.size).toBe(5);
    expect(fleet.active(60_000).map((i) => i.instanceId)).toEqual([
      'pod-6',
      'pod-5',
      'pod-4',
      'pod-1',
      'pod-3',
    ]);
  });

  it('counts as active only the instances seen within the window', () => {
    const { clock, fleet } = fleetAt();
    fleet.seen('login', 'old', 'register');
    clock.advance(301_000);
    fleet.seen('login', 'new', 'register');
    expect(fleet.active(300_000).map((i) => i.instanceId)).toEqual(['new']);
  });
});

describe('confirmFleet', () => {
  it('is complete when every active instance has the revision, naming the slowest', () => {
    const { clock, fleet } = fleetAt();
    fleet.fetched('login', 'pod-1', 'features', 3);
    fleet.fetched('login', 'pod-2', 'streaming', 3);
    const decidedAt = clock.now();
    clock.advance(5);
    fleet.fetched('login', 'pod-2', 'streaming', 4);
    clock.advance(395);
    fleet.fetched('login', 'pod-1', 'features', 4);
    const c = confirmFleet(fleet, { revision: 4, decidedAt, activeWithinMs: 300_000 });
    expect(c).toMatchObject({
      instances: 2,
      confirmed: 2,
      complete: true,
      slowest: { appName: 'login', instanceId: 'pod-1', afterMs: 400 },
    });
    expect(describeFleetConfirmation(c)).toBe('off on 2 of 2 instances after 0.4 s (slowest login/pod-1)');
  });

  it('names the stragglers with the revision they have', () => {
    const { clock, fleet } = fleetAt();
    const decidedAt = clock.now();
    fleet.fetched('login', 'pod-1', 'features', 4);
    fleet.fetched('login', 'pod-2', 'features', 3);
    fleet.seen('login', 'pod-3', 'register');
    const c = confirmFleet(fleet, { revision: 4, decidedAt, activeWithinMs: 300_000 });
    expect(c).toMatchObject({ instances: 3, confirmed: 1, complete: false });
    expect(describeFleetConfirmation(c)).toBe(
      'off on 1 of 3 instances; not yet: login/pod-3 at revision none, login/pod-2 at revision 3',
    );
  });

  it('says so when no instance was seen', () => {
    const { clock, fleet } = fleetAt();
    const c = confirmFleet(fleet, { revision: 1, decidedAt: clock.now(), activeWithinMs: 1000 });
    expect(c).toMatchObject({ instances: 0, complete: false });
    expect(describeFleetConfirmation(c)).toBe('no SDK instance seen recently: nothing to confirm');
  });
});
