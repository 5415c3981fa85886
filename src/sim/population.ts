import type { FlagConstraint } from '../rollout-spec/flag-scope.js';
import { seededRandom } from './prng.js';
import type { Segment } from './scenario-schema.js';
import { satisfyingContext } from './user-scope.js';

/** Seeded streams of the population, apart from the flag's hash and from the logins' own streams. */
const SEGMENT_STREAM = 4;
const RANK_STREAM = 5;

interface PopulationInput {
  users: number;
  activity?: { zipf: number } | undefined;
  context?: Record<string, string> | undefined;
  segments: readonly Segment[];
}

/**
 * Who the simulated users are: each user's segment (by a seeded hash, so both arms hold each
 * segment's share in expectation), context (what the scope constraints see) and login weight (heavy
 * users by a seeded Zipf rank, times the segment's activity). Typed arrays keyed by user index, so a
 * population of millions stays small.
 */
export class Population {
  /** Segment index + 1 per user (0: no segment). */
  private readonly segmentOf: Uint8Array;
  /** Cumulative login weight by user (undefined when every user is equally likely). */
  private readonly cumulative: Float64Array | undefined;
  private readonly contexts: Readonly<Record<string, string>>[];

  constructor(
    input: PopulationInput,
    readonly segments: readonly Segment[],
    constraints: readonly FlagConstraint[],
    seed: number,
  ) {
    const n = input.users;
    this.segmentOf = new Uint8Array(n + 1);
    if (segments.length > 0) {
      for (let user = 1; user <= n; user++) {
        const u = seededRandom(seed, SEGMENT_STREAM, user).next();
        let edge = 0;
        for (let i = 0; i < segments.length; i++) {
          edge += segments[i]?.share ?? 0;
          if (u < edge) {
            this.segmentOf[user] = i + 1;
            break;
          }
        }
      }
    }
    const base = input.context ?? satisfyingContext(constraints);
    // Out-of-scope segments carry no context of their own unless they say so: the scope excludes them.
    this.contexts = [base, ...segments.map((s) => s.context ?? (s.inScope ? base : {}))];
    this.cumulative = this.weights(input, seed);
  }

  /** The index of the user's segment in traffic.segments, -1 for none. */
  segmentIndex(user: number): number {
    return (this.segmentOf[user] ?? 0) - 1;
  }

  /** The user's segment, if any. */
  segment(user: number): Segment | undefined {
    return this.segments[this.segmentIndex(user)];
  }

  /** The Unleash context fields of the user (besides userId). */
  context(user: number): Readonly<Record<string, string>> {
    return this.contexts[this.segmentOf[user] ?? 0] ?? {};
  }

  /** The user (1..N) of one arrival, from one uniform draw. */
  draw(u: number, users: number): number {
    const c = this.cumulative;
    if (!c) return 1 + Math.floor(u * users);
    const target = u * (c[users] ?? 0);
    let lo = 1;
    let hi = users;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((c[mid] ?? 0) > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private weights(input: PopulationInput, seed: number): Float64Array | undefined {
    const n = input.users;
    const zipf = input.activity?.zipf ?? 0;
    const segmentWeighted = this.segments.some((s) => s.activity !== 1);
    if (zipf === 0 && !segmentWeighted) return undefined;
    // Rank k of the Zipf law goes to a user by a seeded permutation (Fisher-Yates), not the flag's hash.
    const rankOf = new Uint32Array(n + 1);
    for (let i = 1; i <= n; i++) rankOf[i] = i;
    const r = seededRandom(seed, RANK_STREAM);
    for (let i = n; i > 1; i--) {
      const j = 1 + Math.floor(r.next() * i);
      const t = rankOf[i] ?? i;
      rankOf[i] = rankOf[j] ?? j;
      rankOf[j] = t;
    }
    const c = new Float64Array(n + 1);
    for (let user = 1; user <= n; user++) {
      const w = (zipf === 0 ? 1 : (rankOf[user] ?? 1) ** -zipf) * (this.segment(user)?.activity ?? 1);
      c[user] = (c[user - 1] ?? 0) + w;
    }
    return c;
  }
}
