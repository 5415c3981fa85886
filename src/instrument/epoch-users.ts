import { createHmac, randomBytes } from 'node:crypto';

/** What `EpochUsers.mark` saw: the first mark of this kind for the user in the epoch, a repeat, or a user past the cap. */
export type Mark = 'first' | 'repeat' | 'untracked';

interface UserState {
  /** One bit per (variant, series, label) already counted for this user in the epoch. */
  bits: number;
  /** When the user last logged out in the epoch (ms), NaN before the first logout. */
  lastLogoutAt: number;
}

/**
 * The distinct users of one epoch, with bounded memory. Users are kept as salted hashes (never the
 * id itself), and only the first `maxUsers` of an epoch are tracked: later users are left out of
 * the distinct-user series altogether. Dropping whole users, chosen by arrival order and not by
 * outcome, keeps both arms an unbiased sample; counting them again on every visit instead would
 * turn a user who retries 20 times back into 20 events.
 */
export class EpochUsers {
  private users = new Map<string, UserState>();
  private readonly salt = randomBytes(16);

  constructor(readonly maxUsers: number) {}

  get size(): number {
    return this.users.size;
  }

  /** Sets `bit` (0..30) for the user; `first` when it was not yet set in this epoch. */
  mark(userId: string, bit: number): Mark {
    const state = this.stateOf(userId);
    if (!state) return 'untracked';
    const mask = 1 << bit;
    if (state.bits & mask) return 'repeat';
    state.bits |= mask;
    return 'first';
  }

  /** Records a logout at `at`; returns the previous logout of the epoch (NaN when none), or undefined when untracked. */
  logout(userId: string, at: number): number | undefined {
    const state = this.stateOf(userId);
    if (!state) return undefined;
    const previous = state.lastLogoutAt;
    state.lastLogoutAt = at;
    return previous;
  }

  /** Starts a new epoch: every user is new again. */
  reset(): void {
    this.users = new Map();
  }

  private stateOf(userId: string): UserState | undefined {
    const key = createHmac('sha256', this.salt).update(userId).digest('base64url').slice(0, 16);
    let state = this.users.get(key);
    if (state) return state;
    if (this.users.size >= this.maxUsers) return undefined;
    state = { bits: 0, lastLogoutAt: Number.NaN };
    this.users.set(key, state);
    return state;
  }
}
