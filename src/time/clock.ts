/** The only way rampart code learns the time. Tests and the simulator pass a virtual clock. */
export interface Clock {
  /** Current time. */
  now(): Date;
}

/** The wall clock. */
export const systemClock: Clock = {
  now: () => new Date(),
};
