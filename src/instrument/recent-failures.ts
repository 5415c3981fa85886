import { userKeyer } from './user-key.js';

/** The `attempt` label of a login attempt: the first of a visit, or one after a failed attempt in it. */
export type Attempt = 'first' | 'retry';

/**
 * Per user, when their last login attempt failed (or errored), with bounded memory: a user's
 * attempt within the visit window of that failure is a retry. Users are kept as salted hashes,
 * at most `maxUsers` of them; past that the oldest failure is forgotten (its user's next attempt
 * counts as a first one), so memory stays bounded whatever the traffic. Not reset with the epoch:
 * a retry across a configuration change is still the same visit.
 */
export class RecentFailures {
  /** Per hashed user: the time (ms) of their last failed attempt, oldest first. */
  private readonly failures = new Map<string, number>();
  private readonly keyOf = userKeyer();

  constructor(
    readonly maxUsers: number,
    private readonly visitWindowMs: number,
  ) {}

  get size(): number {
    return this.failures.size;
  }

  /** Labels an attempt at `now` with its outcome and remembers it; without a user it is a first attempt. */
  attempt(userId: string | undefined, failed: boolean, now: number): Attempt {
    if (userId === undefined) return 'first';
    const key = this.keyOf(userId);
    const last = this.failures.get(key);
    const attempt: Attempt = last !== undefined && now - last <= this.visitWindowMs ? 'retry' : 'first';
    // Deleted first, so a new failure moves the user to the end of the insertion order.
    this.failures.delete(key);
    if (failed) {
      if (this.failures.size >= this.maxUsers) {
        const oldest = this.failures.keys().next();
        if (!oldest.done) this.failures.delete(oldest.value);
      }
      this.failures.set(key, now);
    }
    return attempt;
  }
}
