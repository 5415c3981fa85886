import type { Scheduled, Ticker } from './ticker.js';

export interface SystemTickerOptions {
  /**
   * Unref the timers so they never keep the process alive on their own. True by default: the HTTP
   * server is what keeps rampart running, and a CLI must be able to exit while a controller exists.
   */
  unref?: boolean;
}

/** The real Ticker on Node's timers. */
export function createSystemTicker(options: SystemTickerOptions = {}): Ticker {
  const unref = options.unref ?? true;
  return {
    after(ms, fn) {
      const handle = setTimeout(fn, ms);
      if (unref) handle.unref();
      return { cancel: () => clearTimeout(handle) } satisfies Scheduled;
    },
    every(ms, fn) {
      const handle = setInterval(fn, ms);
      if (unref) handle.unref();
      return { cancel: () => clearInterval(handle) } satisfies Scheduled;
    },
  };
}

/** The process-wide real ticker (timers unref'd). */
export const systemTicker: Ticker = createSystemTicker();
