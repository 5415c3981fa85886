import type { Clock } from './clock.js';

/** A clock that moves only when told to: for tests and the simulator. */
export class ManualClock implements Clock {
  private ms: number;

  constructor(start: Date | number = Date.UTC(2026, 0, 1)) {
    this.ms = typeof start === 'number' ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.ms);
  }

  /** Moves the clock forward; time never goes back. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`cannot advance a clock by ${ms} ms`);
    this.ms += ms;
  }

  /** Jumps to `at`, which must not be before now. */
  set(at: Date | number): void {
    const target = typeof at === 'number' ? at : at.getTime();
    if (target < this.ms)
      throw new RangeError(`cannot move a clock back to ${new Date(target).toISOString()}`);
    this.ms = target;
  }
}
