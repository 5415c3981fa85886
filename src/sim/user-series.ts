import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import { OUT_OF_SCOPE, type Variant } from './login-counters.js';
import type { SimMetricSource } from './sim-metric-source.js';

/** A second logout within this long of the previous one is a bounce (repeat="again"). */
export const VISIT_WINDOW_MS = 30 * 60_000;

/** The epoch as stored (never 0, which means "never"); wraps after 65,535 epochs instead of overflowing. */
function stamp(epoch: number): number {
  return (epoch % 65_535) + 1;
}

interface Mark {
  counter: { value: number };
  /**
   * Epoch + 1 in which each user last incremented the counter (0: never), made on first use. Two
   * bytes a user: epochs are flag changes the SDKs saw (steps and rollbacks), far below 65,535.
   */
  seen: Uint16Array | undefined;
}

/**
 * The distinct-user series of the metrics contract: each counter goes up at most once per user per
 * epoch (an epoch starts at the start and whenever the SDK sees the flag's configuration change),
 * so `increase()` over a step counts users, not attempts. Memory: one Uint16Array per label set
 * in use, keyed by user index, holding the epoch of the user's last increment (24 label sets at
 * most: under 1 MB for 20,000 users).
 */
/** The contract's distinct-user label sets: key -> [metric, extra label, value]. */
const SERIES = {
  exposed: ['flag_exposed_users_total', undefined, undefined],
  'login/success': ['login_users_total', 'result', 'success'],
  'login/failure': ['login_users_total', 'result', 'failure'],
  'login/error': ['login_users_total', 'result', 'error'],
  'mfa/success': ['mfa_users_total', 'result', 'success'],
  'mfa/failure': ['mfa_users_total', 'result', 'failure'],
  'logout/first': ['logout_users_total', 'repeat', 'first'],
  'logout/again': ['logout_users_total', 'repeat', 'again'],
} as const;
type SeriesKey = keyof typeof SERIES;
const VARIANT_INDEX: Record<Variant, number> = { treatment: 0, control: 1, out_of_scope: 2 };

/**
 * The distinct-user series of the metrics contract: each counter goes up at most once per user per
 * epoch (an epoch starts at the start and whenever the SDK sees the flag's configuration change),
 * so `increase()` over a step counts users, not attempts. Memory: one Uint16Array per label set
 * in use, keyed by user index, holding the epoch of the user's last increment (24 label sets at
 * most: under 1 MB for 20,000 users).
 */
export class UserSeries {
  private readonly marks = new Map<SeriesKey, (Mark | undefined)[]>();
  private readonly lastLogoutEpoch: Uint16Array;
  private readonly lastLogoutAt: Float64Array;

  constructor(
    private readonly metrics: SimMetricSource,
    private readonly variant: RolloutSpec['variant'],
    private readonly users: number,
  ) {
    this.lastLogoutEpoch = new Uint16Array(users + 1);
    this.lastLogoutAt = new Float64Array(users + 1);
    // Both arms' series exist from the start, as a service initialising its labels would.
    for (const v of ['treatment', 'control'] as const)
      for (const key of Object.keys(SERIES) as SeriesKey[]) this.mark(key, v);
  }

  exposed(user: number, v: Variant, epoch: number): void {
    this.once('exposed', v, user, epoch);
  }

  login(user: number, v: Variant, result: 'success' | 'failure' | 'error', epoch: number): void {
    this.once(`login/${result}`, v, user, epoch);
  }

  mfa(user: number, v: Variant, result: 'success' | 'failure', epoch: number): void {
    this.once(`mfa/${result}`, v, user, epoch);
  }

  /** One logout at `t`; returns whether it was a bounce (a second logout in the epoch and visit window). */
  logout(user: number, v: Variant, epoch: number, t: number): boolean {
    const e = stamp(epoch);
    const again = this.lastLogoutEpoch[user] === e && t - (this.lastLogoutAt[user] ?? 0) <= VISIT_WINDOW_MS;
    if (this.lastLogoutEpoch[user] !== e) this.once('logout/first', v, user, epoch);
    else if (again) this.once('logout/again', v, user, epoch);
    this.lastLogoutEpoch[user] = e;
    this.lastLogoutAt[user] = t;
    return again;
  }

  private once(key: SeriesKey, v: Variant, user: number, epoch: number): void {
    const m = this.mark(key, v);
    m.seen ??= new Uint16Array(this.users + 1);
    const e = stamp(epoch);
    if (m.seen[user] === e) return;
    m.seen[user] = e;
    m.counter.value += 1;
  }

  private mark(key: SeriesKey, v: Variant): Mark {
    let byVariant = this.marks.get(key);
    if (!byVariant) {
      byVariant = [];
      this.marks.set(key, byVariant);
    }
    const i = VARIANT_INDEX[v];
    let m = byVariant[i];
    if (!m) {
      const [metric, label, value] = SERIES[key];
      const labels: Record<string, string> = {
        [this.variant.label]: v === 'out_of_scope' ? OUT_OF_SCOPE : this.variant[v],
      };
      if (label && value) labels[label] = value;
      m = { counter: this.metrics.counter(metric, labels), seen: undefined };
      byVariant[i] = m;
    }
    return m;
  }
}
