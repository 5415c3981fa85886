import { describe, expect, it, vi } from 'vitest';
import { createSystemTicker } from '../../../src/time/system-ticker.js';

// The one Ticker test on fake timers: it checks the wiring to Node's timers, nothing else.
describe('system ticker', () => {
  it('runs after/every on real timers and cancels them', () => {
    vi.useFakeTimers();
    try {
      const ticker = createSystemTicker({ unref: false });
      const log: string[] = [];
      ticker.after(100, () => log.push('after'));
      const every = ticker.every(40, () => log.push('every'));
      vi.advanceTimersByTime(100);
      expect(log).toEqual(['every', 'every', 'after']);
      every.cancel();
      vi.advanceTimersByTime(1_000);
      expect(log).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
