import { hash, randomBytes } from 'node:crypto';

/**
 * A salted, truncated hash of user ids: what the instrument's bounded user sets keep instead of the
 * id. The salt is random per instance, so the hashes cannot be matched against a list of known ids;
 * 96 bits make a collision among 10^5 users about 10^-19 likely. One-shot hash: 6x an HMAC's speed.
 */
export function userKeyer(): (userId: string) => string {
  const salt = randomBytes(16).toString('hex');
  return (userId) => hash('sha256', salt + userId, 'base64url').slice(0, 16);
}
