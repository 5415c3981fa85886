/** Handle of a scheduled callback. */
export interface Scheduled {
  /** Stops the callback from running again; idempotent. */
  cancel(): void;
}

/** The only way rampart code sets timers. Tests pass a manual ticker and step it. */
export interface Ticker {
  /** Runs `fn` once after `ms` milliseconds. */
  after(ms: number, fn: () => void): Scheduled;
  /** Runs `fn` every `ms` milliseconds until cancelled. */
  every(ms: number, fn: () => void): Scheduled;
}
