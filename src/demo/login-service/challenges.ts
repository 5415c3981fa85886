import { randomBytes } from 'node:crypto';
import type { Clock } from '../../time/clock.js';
import type { Variant } from './login-metrics.js';

export interface Challenge {
  userId: string;
  variant: Variant;
  createdAt: number;
}

/** Pending MFA challenges: created after a correct password, answered once, expire after `ttlMs`. */
export class Challenges {
  private readonly pending = new Map<string, Challenge>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = 5 * 60_000,
  ) {}

  create(userId: string, variant: Variant): string {
    this.expire();
    const id = randomBytes(16).toString('base64url');
    this.pending.set(id, { userId, variant, createdAt: this.clock.now().getTime() });
    return id;
  }

  /** The live challenge, left pending (enrollment happens before the answer). */
  peek(id: string): Challenge | undefined {
    const challenge = this.pending.get(id);
    if (!challenge || this.expired(challenge)) return undefined;
    return challenge;
  }

  /** The live challenge, removed: a challenge is answered at most once. */
  take(id: string): Challenge | undefined {
    const challenge = this.peek(id);
    this.pending.delete(id);
    return challenge;
  }

  private expired(c: Challenge): boolean {
    return this.clock.now().getTime() - c.createdAt > this.ttlMs;
  }

  private expire(): void {
    for (const [id, c] of this.pending) if (this.expired(c)) this.pending.delete(id);
  }
}
