import { describe, expect, it } from 'vitest';
import { detailView } from '../../../src/cli/status.js';
import {
  confirmFleet,
  describeFleetConfirmation,
} from '../../../src/flag-backends/fleet/fleet-confirmation.js';
import { FleetTracker } from '../../../src/flag-backends/fleet/fleet-tracker.js';
import { fleetConfirmationView, rolloutDetail } from '../../../src/http/rollout-view.js';
import { ManualClock } from '../../../src/time/manual-clock.js';
import { makeHarness, testSpec } from '../../support/controller-harness.js';

describe('rampart status after a rollback of an embedded flag', () => {
  it('prints the fleet line: which SDK instances have the flag off, or the stragglers', async () => {
    const h = await makeHarness();
    try {
      await h.controller.register(testSpec());
      const state = await h.controller.status('mfa-staff');
      const clock = new ManualClock(Date.UTC(2026, 11, 1, 9));
      const fleet = new FleetTracker({ clock });
      const decidedAt = clock.now();
      fleet.fetched('login', 'pod-1', 'streaming', 9);
      fleet.fetched('login', 'pod-2', 'features', 8);
      const c = confirmFleet(fleet, { revision: 9, decidedAt, activeWithinMs: 60_000 });
      const detail = {
        ...rolloutDetail(state, undefined, await h.backend.read(state.spec.flag), h.clock.now()),
        fleet: fleetConfirmationView({
          ...c,
          source: 'sdk-fetches',
          waiting: true,
          summary: describeFleetConfirmation(c),
        }),
      };
      const text = detailView(JSON.parse(JSON.stringify(detail)));
      expect(text).toMatch(
        /^fleet: confirming, off on 1 of 2 instances; not yet: login\/pod-2 at revision 8$/m,
      );
    } finally {
      await h.store.close();
    }
  });
});
