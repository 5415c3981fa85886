import type { Scenario } from './parse-scenario.js';
import type { Segment } from './scenario-schema.js';

/** The healthy behaviour of a user at one time (baseline, then the schedule's drift, then the segment's own). */
export interface Behaviour {
  loginSuccess: number;
  mfaSuccess: number;
  mfaFirstChallengeSuccess: number;
  retryOnFailure: number;
  logoutsPerLogin: number;
  enrollmentsPerLogin: number;
}

const FIELDS = [
  'loginSuccess',
  'mfaSuccess',
  'mfaFirstChallengeSuccess',
  'retryOnFailure',
  'logoutsPerLogin',
  'enrollmentsPerLogin',
] as const;

type Partial6 = { [K in (typeof FIELDS)[number]]?: number | undefined };

function overlay(into: Partial6, from: Partial6): void {
  for (const k of FIELDS) {
    const v = from[k];
    if (v !== undefined) into[k] = v;
  }
}

/**
 * Behaviour per segment and time, precomputed as phases: the schedule changes everyone's baseline
 * from each entry's `at` on (healthy drift), and a segment's own fields win over both (a locked
 * account stays locked whatever the day does).
 */
export class BehaviourSchedule {
  /** phases[segment index + 1] = [from ms, behaviour] in time order; index 0 = no segment. */
  private readonly phases: { from: number; b: Behaviour }[][];

  constructor(baseline: Scenario['baseline'], segments: readonly Segment[]) {
    const schedule = [...baseline.schedule].sort((a, b) => a.at - b.at);
    const starts = [0, ...schedule.map((e) => e.at)];
    this.phases = [undefined, ...segments].map((segment) =>
      starts.map((from) => {
        const b: Partial6 = {};
        overlay(b, baseline);
        for (const e of schedule) if (e.at <= from) overlay(b, e);
        if (segment) overlay(b, segment);
        // The first challenge defaults to the (possibly drifted or overridden) ordinary one.
        const mfaFirst = segment?.mfaFirstChallengeSuccess ?? b.mfaFirstChallengeSuccess;
        return {
          from,
          b: {
            loginSuccess: b.loginSuccess ?? baseline.loginSuccess,
            mfaSuccess: b.mfaSuccess ?? baseline.mfaSuccess,
            mfaFirstChallengeSuccess: mfaFirst ?? b.mfaSuccess ?? baseline.mfaSuccess,
            retryOnFailure: b.retryOnFailure ?? baseline.retryOnFailure,
            logoutsPerLogin: b.logoutsPerLogin ?? baseline.logoutsPerLogin,
            enrollmentsPerLogin: b.enrollmentsPerLogin ?? baseline.enrollmentsPerLogin,
          },
        };
      }),
    );
  }

  /** Behaviour of a user of segment index `segment` (-1: none) at simulated time `t`. */
  at(segment: number, t: number): Behaviour {
    const list = this.phases[segment + 1] ?? this.phases[0] ?? [];
    let hit = list[0];
    for (const p of list) {
      if (p.from > t) break;
      hit = p;
    }
    if (!hit) throw new Error('no behaviour phase');
    return hit.b;
  }
}
