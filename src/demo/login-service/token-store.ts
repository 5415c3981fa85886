import { createHmac, randomBytes } from 'node:crypto';
import { DemoError } from '../demo-error.js';
import type { Variant } from './login-metrics.js';

export interface Session {
  userId: string;
  variant: Variant;
  /** Whether the session was opened through an MFA challenge. */
  mfa: boolean;
  /** How the user authenticated, e.g. `['pwd', 'totp']`. */
  authMethods: readonly string[];
  createdAt: number;
}

const KEY_BYTES = 32;

/**
 * Session tokens. Tokens are random; the store keeps only their HMAC under a store key, so a dump
 * of the store cannot be replayed. The key is checked before every use: a store whose key is
 * missing or short is corrupt and refuses to mint or look up tokens.
 */
export class TokenStore {
  private key: Buffer = randomBytes(KEY_BYTES);
  private readonly sessions = new Map<string, Session>();

  get size(): number {
    return this.sessions.size;
  }

  /** Issues a new token for the session. */
  create(session: Session): string {
    const token = randomBytes(24).toString('base64url');
    this.sessions.set(this.digest(token), session);
    return token;
  }

  find(token: string): Session | undefined {
    return this.sessions.get(this.digest(token));
  }

  /** Removes the session; returns it when it existed. */
  revoke(token: string): Session | undefined {
    const id = this.digest(token);
    const session = this.sessions.get(id);
    this.sessions.delete(id);
    return session;
  }

  /**
   * The incident's purge job (fault `token-purge`): it drops every session and "rotates" the store
   * key, but writes an empty key. From then on every mint and lookup fails the integrity check.
   */
  purge(): void {
    this.sessions.clear();
    this.key = Buffer.alloc(0);
  }

  /** What the on-call engineer did: a fresh key. Purged sessions stay gone. */
  repair(): void {
    if (this.key.length < KEY_BYTES) this.key = randomBytes(KEY_BYTES);
  }

  private digest(token: string): string {
    if (this.key.length < KEY_BYTES) {
      throw new DemoError(
        'token_store_corrupt',
        `session token store is corrupt: store key has ${this.key.length} bytes`,
      );
    }
    return createHmac('sha256', this.key).update(token).digest('base64url');
  }
}
