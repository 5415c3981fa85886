import { userKeyer } from './user-key.js';

/** What `EpochUsers.mark` saw: the first mark of this kind for the user in the epoch, a repeat, or a user past the cap. */
export type Mark = 'first' | 'repeat' | 'untracked';

/**
 * The distinct users of one epoch, with bounded memory. Users are kept as salted hashes (never the
 * id itself), and only the first `maxUsers` of an epoch are tracked: later users are left out of
 * the distinct-user series altogether. Dropping whole users, chosen by arrival order and not by
 * outcome, keeps both arms an unbiased sample; counting them again on every visit instead would
 * turn a user who retries 20 times back into 20 events.
 */
export class EpochUsers {
  /** Per hashed user: one bit per (variant, series, label) already counted in the epoch. */
  private users = new Map<string, number>();
  /** Per hashed user who logged out in the epoch: when they last did (ms). Kept apart: few users log out. */
  private lastLogouts = new Map<string, number>();
  private readonly hashOf = userKeyer();

  constructor(readonly maxUsers: number) {}

  get size(): number {
    return this.users.size;
  }

  /** Sets `bit` (0..30) for the user; `first` when it was not yet set in this epoch. */
  mark(userId: string, bit: number): Mark {
    const key = this.keyOf(userId);
    if (key === undefined) return 'untracked';
    const bits = this.users.get(key) ?? 0;
    const mask = 1 << bit;
    if (bits & mask) return 'repeat';
    this.users.set(key, bits | mask);
    return 'first';
  }

  /** Records a logout at `at`; returns the previous logout of the epoch (NaN when none), or undefined when untracked. */
  logout(userId: string, at: number): number | undefined {
    const key = this.keyOf(userId);
    if (key === undefined) return undefined;
    const previous = this.lastLogouts.get(key) ?? Number.NaN;
    this.lastLogouts.set(key, at);
    return previous;
  }

  /** Starts a new epoch: every user is new again. */
  reset(): void {
    this.users = new Map();
    this.lastLogouts = new Map();
  }

  /** The user's key, registering a new user while the epoch has room; undefined past the cap. */
  private keyOf(userId: string): string | undefined {
    const key = this.hashOf(userId);
    if (this.users.has(key)) return key;
    if (this.users.size >= this.maxUsers) return undefined;
    this.users.set(key, 0);
    return key;
  }
}
