import { Counter, Gauge, type Registry } from 'prom-client';
import { type Clock, systemClock } from '../time/clock.js';
import { EpochUsers } from './epoch-users.js';
import { InstrumentError } from './instrument-error.js';
import { type Attempt, RecentFailures } from './recent-failures.js';

/** `out_of_scope`: the rollout's scope constraints exclude the user (never counted in control). */
export type Variant = 'treatment' | 'control' | 'out_of_scope';
/** `failure`: the service rejected the user's input (wrong password or code); `error`: it answered 5xx. */
export type Outcome = 'success' | 'failure' | 'error';

const VARIANTS: readonly Variant[] = ['treatment', 'control', 'out_of_scope'];
const OUTCOMES: readonly Outcome[] = ['success', 'failure', 'error'];
const ATTEMPTS: readonly Attempt[] = ['first', 'retry'];
// Bit layout of a user's marks in EpochUsers: 9 slots per variant.
const SLOT = { exposed: 0, login: 1, mfa: 4, logoutFirst: 7, logoutAgain: 8 } as const;
const bit = (variant: Variant, slot: number) => VARIANTS.indexOf(variant) * 9 + slot;

export interface FlagMetricsOptions {
  /** The service's prom-client registry (the one its /metrics serves). */
  registry: Registry;
  /** Name of the variant label; default `variant` (a spec can name another). */
  variantLabel?: string;
  /** Distinct users remembered per epoch (as salted hashes), and users with a recent failed login; default 100 000. */
  maxUsersPerEpoch?: number;
  /**
   * A second logout within this long of the previous one counts as a bounce, and a login attempt
   * within this long of the user's failed one as a retry; default 30 min.
   */
  visitWindowMs?: number;
  clock?: Clock;
}

type Labels = Partial<Record<string, string>>;

/**
 * The metrics contract a rampart guardrail reads, per attempt and per distinct user of the epoch.
 * An epoch starts at construction and at every `newEpoch()` (the flag's configuration changed), so
 * `increase()` over a step counts each user once. Calls without a user id count attempts only.
 */
export class FlagMetrics {
  private readonly users: EpochUsers;
  private readonly failures: RecentFailures;
  private readonly label: string;
  private readonly visitWindowMs: number;
  private readonly clock: Clock;
  private readonly exposures: Counter<string>;
  private readonly exposedUsers: Counter<string>;
  private readonly loginAttempts: Counter<string>;
  private readonly loginUsers: Counter<string>;
  private readonly mfaChallenges: Counter<string>;
  private readonly mfaUsers: Counter<string>;
  private readonly logouts: Counter<string>;
  private readonly logoutUsers: Counter<string>;
  private readonly httpRequests: Counter<string>;
  private readonly epochs: Counter;
  private readonly untracked: Counter;

  constructor(options: FlagMetricsOptions) {
    const max = options.maxUsersPerEpoch ?? 100_000;
    if (!Number.isInteger(max) || max < 1)
      throw new InstrumentError(`maxUsersPerEpoch must be an integer >= 1, got ${max}`);
    this.users = new EpochUsers(max);
    this.label = options.variantLabel ?? 'variant';
    this.visitWindowMs = options.visitWindowMs ?? 30 * 60_000;
    this.clock = options.clock ?? systemClock;
    this.failures = new RecentFailures(max, this.visitWindowMs);
    const registers = [options.registry];
    const v = this.label;
    const counter = (name: string, help: string, extra: string[] = []) => {
      if (options.registry.getSingleMetric(name))
        throw new InstrumentError(`${name} is already registered: instrument one flag per registry`);
      return new Counter({ name, help, labelNames: [v, ...extra], registers });
    };
    this.exposures = counter('flag_exposures_total', 'Sessions opened, by variant (once per session).');
    this.exposedUsers = counter('flag_exposed_users_total', 'Distinct users evaluated, per epoch.');
    this.loginAttempts = counter(
      'login_attempts_total',
      'Login attempts by outcome; attempt="retry" follows a failed one of the same user.',
      ['result', 'attempt'],
    );
    this.loginUsers = counter('login_users_total', 'Distinct users with a login outcome, per epoch.', [
      'result',
    ]);
    this.mfaChallenges = counter('mfa_challenges_total', 'MFA challenges answered.', ['result']);
    this.mfaUsers = counter('mfa_users_total', 'Distinct users with an MFA outcome, per epoch.', ['result']);
    this.logouts = counter('logouts_total', 'Sessions ended by the user.');
    this.logoutUsers = counter('logout_users_total', 'Distinct users logging out (again), per epoch.', [
      'repeat',
    ]);
    this.httpRequests = counter('http_requests_total', 'HTTP requests by route pattern and status.', [
      'route',
      'code',
    ]);
    this.epochs = new Counter({
      name: 'rampart_instrument_epochs_total',
      help: 'Epochs started (process start and every change of the flag configuration).',
      registers,
    });
    this.untracked = new Counter({
      name: 'rampart_instrument_untracked_exposures_total',
      help: 'Evaluations of users left out of the distinct-user series: the epoch was full.',
      registers,
    });
    const users = this.users;
    new Gauge({
      name: 'rampart_instrument_tracked_users',
      help: 'Distinct users remembered in the current epoch.',
      registers,
      collect() {
        this.set(users.size);
      },
    });
    this.epochs.inc();
    // Both arms appear from the start, so rate() and absent-series checks see zeros, not gaps.
    for (const variant of ['treatment', 'control'] as const) {
      for (const c of [this.exposures, this.exposedUsers, this.logouts]) c.inc(this.labels(variant), 0);
      for (const result of OUTCOMES) {
        for (const c of [this.loginUsers, this.mfaChallenges]) c.inc(this.labels(variant, { result }), 0);
        for (const attempt of ATTEMPTS) this.loginAttempts.inc(this.labels(variant, { result, attempt }), 0);
      }
      // MFA answers succeed or fail; an MFA `error` series appears only when a 5xx happens.
      for (const result of ['success', 'failure']) this.mfaUsers.inc(this.labels(variant, { result }), 0);
      for (const repeat of ['first', 'again']) this.logoutUsers.inc(this.labels(variant, { repeat }), 0);
    }
  }

  /** The user was evaluated: counted once per epoch in `flag_exposed_users_total`. */
  exposed(userId: string | undefined, variant: Variant): void {
    if (userId === undefined) return;
    const mark = this.users.mark(userId, bit(variant, SLOT.exposed));
    if (mark === 'first') this.exposedUsers.inc(this.labels(variant));
    if (mark === 'untracked') this.untracked.inc();
  }

  /** A session was opened (`flag_exposures_total`, the per-session exposure). */
  sessionOpened(variant: Variant): void {
    this.exposures.inc(this.labels(variant));
  }

  /** A login attempt with its outcome: `login_attempts_total` and, once per epoch, `login_users_total`. */
  login(userId: string | undefined, variant: Variant, result: Outcome): void {
    this.loginAttempt(variant, result, userId);
    this.loginUser(userId, variant, result);
  }

  /**
   * The per-attempt half of `login`, for services that count attempts at another point. With the
   * user's id, an attempt within the visit window after their failed or errored one is labelled
   * `attempt="retry"`, otherwise `first`; without it every attempt is a first one.
   */
  loginAttempt(variant: Variant, result: Outcome, userId?: string): void {
    const attempt = this.failures.attempt(userId, result !== 'success', this.clock.now().getTime());
    this.loginAttempts.inc(this.labels(variant, { result, attempt }));
  }

  /** The per-user half of `login`. */
  loginUser(userId: string | undefined, variant: Variant, result: Outcome): void {
    this.perUser(this.loginUsers, userId, variant, SLOT.login + OUTCOMES.indexOf(result), { result });
  }

  mfa(userId: string | undefined, variant: Variant, result: Outcome): void {
    this.mfaChallenges.inc(this.labels(variant, { result }));
    this.perUser(this.mfaUsers, userId, variant, SLOT.mfa + OUTCOMES.indexOf(result), { result });
  }

  /** A logout; a second one within the visit window of the previous counts the user as `repeat=again`. */
  logout(userId: string | undefined, variant: Variant): void {
    this.logouts.inc(this.labels(variant));
    if (userId === undefined) return;
    const now = this.clock.now().getTime();
    const previous = this.users.logout(userId, now);
    if (previous === undefined) return;
    if (this.perUser(this.logoutUsers, userId, variant, SLOT.logoutFirst, { repeat: 'first' })) return;
    if (now - previous <= this.visitWindowMs)
      this.perUser(this.logoutUsers, userId, variant, SLOT.logoutAgain, { repeat: 'again' });
  }

  /** `variant` is `none` for requests no user can be tied to (health checks, bad input). */
  httpRequest(variant: Variant | 'none', route: string, code: number): void {
    this.httpRequests.inc({ [this.label]: variant, route, code: String(code) });
  }

  /** The flag's configuration changed (new step, rollback): every user counts again. */
  newEpoch(): void {
    this.users.reset();
    this.epochs.inc();
  }

  /** True when this was the user's first mark of its kind in the epoch (and the series moved). */
  private perUser(c: Counter<string>, userId: string | undefined, v: Variant, slot: number, l: Labels) {
    if (userId === undefined || this.users.mark(userId, bit(v, slot)) !== 'first') return false;
    c.inc(this.labels(v, l));
    return true;
  }

  private labels(variant: Variant, extra: Labels = {}): Labels {
    return { [this.label]: variant, ...extra };
  }
}
