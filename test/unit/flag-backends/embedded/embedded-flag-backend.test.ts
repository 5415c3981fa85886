import { describe, expect, it } from 'vitest';
import { EmbeddedFlagBackend } from '../../../../src/flag-backends/embedded/embedded-flag-backend.js';
import { flagRefSchema } from '../../../../src/rollout-spec/rollout-spec-schema.js';
import { openSqliteStore } from '../../../../src/store/open-sqlite-store.js';
import { ManualClock } from '../../../../src/time/manual-clock.js';
import { describeFlagBackendContract } from '../../../support/flag-backend-contract.js';

const store = await openSqliteStore({ path: ':memory:' });
describeFlagBackendContract('embedded', () => new EmbeddedFlagBackend(store.flags, new ManualClock()));

describe('EmbeddedFlagBackend', () => {
  it('stores stickiness and groupId (defaulting to the flag name) for the client API', async () => {
    const backend = new EmbeddedFlagBackend(store.flags, new ManualClock(Date.parse('2026-11-30T09:00:00Z')));
    const flag = flagRefSchema.parse({ backend: 'embedded', name: 'sticky-flag', stickiness: 'sessionId' });
    await backend.setPercentage(flag, 25);
    expect(await store.flags.get(flag)).toMatchObject({
      stickiness: 'sessionId',
      groupId: 'sticky-flag',
      percentage: 25,
      updatedAt: new Date('2026-11-30T09:00:00Z'),
    });
  });

  it('refuses a percentage outside 0..100', async () => {
    const backend = new EmbeddedFlagBackend(store.flags, new ManualClock());
    const flag = flagRefSchema.parse({ backend: 'embedded', name: 'bad-flag' });
    await expect(backend.setPercentage(flag, 101)).rejects.toThrow(/0\.\.100/);
  });
});
