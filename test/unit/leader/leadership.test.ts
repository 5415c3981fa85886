import { describe, expect, it } from 'vitest';
import { leaderLine } from '../../../src/cli/status.js';
import { LeaderGatedFlagBackend } from '../../../src/leader/leader-gated-flag-backend.js';
import { SoleLeadership } from '../../../src/leader/sole-leadership.js';
import { makeHarness, testSpec } from '../../support/controller-harness.js';

describe('SoleLeadership (one replica on SQLite)', () => {
  it('leads at epoch 0 from start until stop, and says so', async () => {
    const sole = new SoleLeadership('host:1');
    const events: string[] = [];
    expect(sole.isLeader()).toBe(false);
    await sole.start({
      elected: async (epoch) => {
        events.push(`elected ${epoch}`);
      },
      deposed: (reason) => events.push(`deposed ${reason}`),
    });
    expect(sole.isLeader()).toBe(true);
    expect(sole.leader()).toEqual({ replica: 'host:1', epoch: 0 });
    await sole.stop();
    await sole.stop();
    expect(events).toEqual(['elected 0', 'deposed shutting down']);
    expect(sole.leader()).toBeNull();
  });
});

describe('LeaderGatedFlagBackend', () => {
  it('writes only while leading; reads always', async () => {
    const h = await makeHarness();
    const flag = testSpec().flag;
    const sole = new SoleLeadership('r1');
    const gated = new LeaderGatedFlagBackend(h.embedded, sole);
    await expect(gated.setPercentage(flag, 5)).rejects.toMatchObject({ name: 'StoreError', code: 'fenced' });
    await expect(gated.disable(flag)).rejects.toThrow(
      'replica r1 is not the leader; it may not disable a flag',
    );
    await sole.start({ elected: async () => {}, deposed: () => {} });
    expect(await gated.setPercentage(flag, 5)).toMatchObject({ enabled: true, percentage: 5 });
    await sole.stop();
    expect(await gated.read(flag)).toMatchObject({ enabled: true, percentage: 5 });
    await expect(gated.setPercentage(flag, 25)).rejects.toMatchObject({ name: 'StoreError', code: 'fenced' });
  });
});

describe('leaderLine (rampart status)', () => {
  it('names the leader and epoch, and the follower that answered', () => {
    expect(leaderLine({ replica: 'a', role: 'leader', leader: { replica: 'a', epoch: 3 } })).toBe(
      'leader: a (epoch 3)\n',
    );
    expect(leaderLine({ replica: 'b', role: 'follower', leader: { replica: 'a', epoch: 3 } })).toBe(
      'leader: a (epoch 3); answered by follower b\n',
    );
    expect(leaderLine({ replica: 'b', role: 'follower', leader: null })).toBe(
      'leader: none elected; answered by follower b\n',
    );
    expect(leaderLine({})).toBe('');
  });
});
