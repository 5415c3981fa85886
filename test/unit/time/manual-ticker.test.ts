import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/time/manual-clock.js';
import { ManualTicker } from '../../../src/time/manual-ticker.js';

describe('ManualClock / ManualTicker', () => {
  it('runs due callbacks in time order, with the clock at each due time', async () => {
    const clock = new ManualClock(0);
    const ticker = new ManualTicker(clock);
    const log: string[] = [];
    ticker.every(10, () => log.push(`every@${clock.now().getTime()}`));
    ticker.after(15, () => log.push(`after@${clock.now().getTime()}`));
    ticker.after(10, () => log.push(`tie@${clock.now().getTime()}`));
    await ticker.advance(30);
    expect(log).toEqual(['every@10', 'tie@10', 'after@15', 'every@20', 'every@30']);
    expect(clock.now().getTime()).toBe(30);
  });

  it('stops a cancelled timer and lets async work started by a callback settle', async () => {
    const clock = new ManualClock(0);
    const ticker = new ManualTicker(clock);
    let done = 0;
    const handle = ticker.every(5, () => {
      void Promise.resolve().then(() => {
        done += 1;
      });
    });
    await ticker.advance(10);
    expect(done).toBe(2);
    handle.cancel();
    await ticker.advance(100);
    expect(done).toBe(2);
    expect(ticker.pending).toBe(0);
  });

  it('never moves back', () => {
    const clock = new ManualClock(100);
    expect(() => clock.set(50)).toThrow(RangeError);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });
});
