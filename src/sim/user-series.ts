import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import { OUT_OF_SCOPE, type Variant } from './login-counters.js';
import type { SimMetricSource } from './sim-metric-source.js';

/** A second logout within this long of the previous one is a bounce (repeat="again"). */
export const VISIT_WINDOW_MS = 30 * 60_000;

interface Mark {
  counter: { value: number };
  /** Epoch + 1 in which each user last incremented the counter (0: never). */
  seen: Uint32Array;
}

/**
 * The distinct-user series of the metrics contract: each counter goes up at most once per user per
 * epoch (an epoch starts at the start and whenever the SDK sees the flag's configuration change),
 * so `increase()` over a step counts users, not attempts. Memory: one Uint32Array per label set,
 * keyed by user index, holding the epoch of the user's last increment.
 */
export class UserSeries {
  private readonly marks = new Map<string, Mark>();
  private readonly lastLogoutEpoch: Uint32Array;
  private readonly lastLogoutAt: Float64Array;

  constructor(
    private readonly metrics: SimMetricSource,
    private readonly variant: RolloutSpec['variant'],
    private readonly users: number,
  ) {
    this.lastLogoutEpoch = new Uint32Array(users + 1);
    this.lastLogoutAt = new Float64Array(users + 1);
    // Both arms' series exist from the start, as a service initialising its labels would.
    for (const v of ['treatment', 'control'] as const) {
      this.mark('flag_exposed_users_total', v);
      for (const result of ['success', 'failure', 'error']) this.mark('login_users_total', v, { result });
      for (const result of ['success', 'failure']) this.mark('mfa_users_total', v, { result });
      for (const repeat of ['first', 'again']) this.mark('logout_users_total', v, { repeat });
    }
  }

  exposed(user: number, v: Variant, epoch: number): void {
    this.once('flag_exposed_users_total', v, {}, user, epoch);
  }

  login(user: number, v: Variant, result: 'success' | 'failure' | 'error', epoch: number): void {
    this.once('login_users_total', v, { result }, user, epoch);
  }

  mfa(user: number, v: Variant, result: 'success' | 'failure', epoch: number): void {
    this.once('mfa_users_total', v, { result }, user, epoch);
  }

  /** One logout at `t`; returns whether it was a bounce (a second logout in the epoch and visit window). */
  logout(user: number, v: Variant, epoch: number, t: number): boolean {
    const again =
      this.lastLogoutEpoch[user] === epoch + 1 && t - (this.lastLogoutAt[user] ?? 0) <= VISIT_WINDOW_MS;
    if (this.lastLogoutEpoch[user] !== epoch + 1)
      this.once('logout_users_total', v, { repeat: 'first' }, user, epoch);
    else if (again) this.once('logout_users_total', v, { repeat: 'again' }, user, epoch);
    this.lastLogoutEpoch[user] = epoch + 1;
    this.lastLogoutAt[user] = t;
    return again;
  }

  private once(
    metric: string,
    v: Variant,
    labels: Record<string, string>,
    user: number,
    epoch: number,
  ): void {
    const m = this.mark(metric, v, labels);
    if (m.seen[user] === epoch + 1) return;
    m.seen[user] = epoch + 1;
    m.counter.value += 1;
  }

  private mark(metric: string, v: Variant, labels: Record<string, string> = {}): Mark {
    const key = `${metric}\0${v}\0${labels.result ?? labels.repeat ?? ''}`;
    let m = this.marks.get(key);
    if (!m) {
      const value = v === 'out_of_scope' ? OUT_OF_SCOPE : this.variant[v];
      m = {
        counter: this.metrics.counter(metric, { [this.variant.label]: value, ...labels }),
        seen: new Uint32Array(this.users + 1),
      };
      this.marks.set(key, m);
    }
    return m;
  }
}
