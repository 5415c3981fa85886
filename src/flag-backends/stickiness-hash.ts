/**
 * Unleash's stickiness hash, reimplemented so the simulator and the step planner can tell which users
 * a percentage turns on without running an SDK. It must agree bit for bit with `unleash-client`:
 * murmurhash3 x86 32-bit, seed 0, over `${groupId}:${stickinessValue}`, then `% 100 + 1`.
 */

/** Seed unleash-client uses for strategy (not variant) hashing. */
export const STRATEGY_SEED = 0;

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/**
 * murmurhash3 x86 32-bit of a string, as unleash-client's `murmurhash3js` computes it: each UTF-16
 * code unit contributes only its low byte (`charCodeAt(i) & 0xff`), not its UTF-8 bytes. This differs
 * from a UTF-8 hash for non-Latin-1 ids, and matching the SDK the apps run is what matters here.
 */
export function murmurhash3x86(key: string, seed = 0): number {
  const length = key.length;
  const tail = length & 3;
  const blocksEnd = length - tail;
  let h1 = seed >>> 0;
  let i = 0;
  for (; i < blocksEnd; i += 4) {
    let k1 =
      (key.charCodeAt(i) & 0xff) |
      ((key.charCodeAt(i + 1) & 0xff) << 8) |
      ((key.charCodeAt(i + 2) & 0xff) << 16) |
      ((key.charCodeAt(i + 3) & 0xff) << 24);
    k1 = Math.imul(k1, C1);
    k1 = (k1 << 15) | (k1 >>> 17);
    k1 = Math.imul(k1, C2);
    h1 ^= k1;
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
  }
  if (tail > 0) {
    let k1 = 0;
    if (tail === 3) k1 ^= (key.charCodeAt(i + 2) & 0xff) << 16;
    if (tail >= 2) k1 ^= (key.charCodeAt(i + 1) & 0xff) << 8;
    k1 ^= key.charCodeAt(i) & 0xff;
    k1 = Math.imul(k1, C1);
    k1 = (k1 << 15) | (k1 >>> 17);
    k1 = Math.imul(k1, C2);
    h1 ^= k1;
  }
  h1 ^= length;
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h1 = Math.imul(h1, 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  return h1 >>> 0;
}

/** The bucket 1..normalizer a stickiness value falls in for a group (Unleash's `normalizedValue`). */
export function normalizedValue(
  stickinessValue: string,
  groupId: string,
  normalizer = 100,
  seed = STRATEGY_SEED,
): number {
  return (murmurhash3x86(`${groupId}:${stickinessValue}`, seed) % normalizer) + 1;
}

/** Parameters of a `flexibleRollout` strategy, as Unleash stores them (strings). */
export interface FlexibleRolloutParameters {
  rollout?: string | number;
  stickiness?: string;
  groupId?: string;
}

/** The part of an Unleash context the flexibleRollout strategy reads. */
export interface StickinessContext {
  userId?: string;
  sessionId?: string;
  properties?: Record<string, string | undefined>;
  [field: string]: unknown;
}

function contextValue(context: StickinessContext, field: string): string | undefined {
  const direct = context[field];
  if (direct !== undefined && direct !== null && field !== 'properties') return String(direct);
  const fromProperties = context.properties?.[field];
  return fromProperties === undefined ? undefined : String(fromProperties);
}

/**
 * Whether a flexibleRollout strategy is on for a context, with unleash-client's rules: stickiness
 * `default` = userId, else sessionId, else random; a missing stickiness value is off (fail closed);
 * rollout 0 is always off. `random` is only used for `default`/`random` stickiness without ids.
 */
export function flexibleRolloutEnabled(
  parameters: FlexibleRolloutParameters,
  context: StickinessContext,
  featureName: string,
  random: () => string = () => String(Math.round(Math.random() * 10_000) + 1),
): boolean {
  const percentage = Number(parameters.rollout);
  const groupId = parameters.groupId || featureName;
  const stickiness = parameters.stickiness || 'default';
  let value: string | undefined;
  if (stickiness === 'default') value = context.userId || context.sessionId || random();
  else if (stickiness === 'random') value = random();
  else value = contextValue(context, stickiness);
  if (!value) return false;
  return percentage > 0 && normalizedValue(value, groupId) <= percentage;
}
