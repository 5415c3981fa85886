import { normalizedValue } from '../flag-backends/stickiness-hash.js';
import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import { type Behaviour, BehaviourSchedule } from './behaviour-schedule.js';
import { combinedFaultEffect, isActive, USER_FACING } from './combined-fault-effect.js';
import { type HarmStats, newHarmStats } from './harm-stats.js';
import { type LoginCounters, loginCounters, type Variant } from './login-counters.js';
import type { Scenario } from './parse-scenario.js';
import { Population } from './population.js';
import { exponential, poissonFromUniform, type Random, seededRandom } from './prng.js';
import { RetryQueue } from './retry-queue.js';
import type { Fault } from './scenario-schema.js';
import type { SimMetricSource } from './sim-metric-source.js';
import { UserScope } from './user-scope.js';
import { UserSeries } from './user-series.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Attempts per visit at most: a locked account retrying at 0.95 gives up after ~20 on average. */
const MAX_ATTEMPTS = 50;

/** The fault touches this login's arm (and segment, when it names one). */
function touches(f: Fault, variant: Variant, segment: string | undefined): boolean {
  const arm = f.arm === 'all' || (f.arm === 'outOfScope' ? variant === 'out_of_scope' : f.arm === variant);
  return arm && (f.segment === undefined || f.segment === segment);
}

/**
 * Login traffic at the level of the metrics contract: Poisson arrivals (thinned for the diurnal
 * curve and bursts), users drawn from user-1..user-N (weighted for heavy users and segments), put
 * in an arm as unleash-client would (scope constraints on the user's context, then the stickiness
 * hash against the percentage the SDKs see), baseline behaviour and fault effects. Every login
 * attempt draws its randomness from its own counter-based stream, so a fault changes the logins it
 * touches and nothing else (control traffic is bit-identical with and without a treatment fault).
 */
export class TrafficModel {
  readonly harm: HarmStats;
  private readonly arrivals: Random;
  private readonly buckets: Uint8Array;
  readonly population: Population;
  private readonly scope: UserScope;
  private readonly behaviour: BehaviourSchedule;
  private readonly users: UserSeries;
  private readonly groupId: string;
  private readonly maxFactor: number;
  private readonly retries = new RetryQueue();
  private readonly firstFault: Fault | undefined;
  /** Per user: 1 once they met an MFA challenge since the flag last turned on for them. */
  private readonly mfaSeen: Uint8Array;
  private readonly leaked: Uint8Array;
  /** Distinct out-of-scope (`inScope: false`) users who had the flag on. */
  scopeLeaks = 0;
  private nextArrival: number;
  private nextId = 0;
  private percentage = Number.NaN;
  private epoch = -1;
  private readonly c: Partial<Record<Variant, LoginCounters>> = {};

  constructor(
    private readonly scenario: Scenario,
    private readonly seed: number,
    private readonly metrics: SimMetricSource,
    private readonly sdkPercentage: (t: number) => number,
  ) {
    const spec: RolloutSpec = scenario.spec;
    const n = scenario.traffic.users;
    this.groupId = spec.flag.groupId ?? spec.flag.name;
    this.buckets = new Uint8Array(n + 1);
    this.mfaSeen = new Uint8Array(n + 1);
    this.leaked = new Uint8Array(n + 1);
    this.harm = newHarmStats();
    const constraints = spec.flag.constraints ?? [];
    const { segments } = scenario.traffic;
    this.population = new Population(scenario.traffic, segments, constraints, seed);
    this.scope = new UserScope(
      constraints,
      (u) => this.population.context(u),
      n,
      Date.parse(scenario.startAt),
    );
    this.behaviour = new BehaviourSchedule(scenario.baseline, segments);
    this.users = new UserSeries(metrics, spec.variant, n);
    this.arrivals = seededRandom(seed, 1);
    const { diurnal, bursts } = scenario.traffic;
    this.maxFactor = (1 + (diurnal?.amplitude ?? 0)) * Math.max(1, ...bursts.map((b) => b.factor));
    this.firstFault = scenario.faults.filter((f) => USER_FACING.has(f.effect)).sort((a, b) => a.at - b.at)[0];
    this.counters('treatment');
    this.counters('control');
    this.nextArrival = this.drawArrival(0);
  }

  /** Login rate (per ms) at simulated time t. */
  rate(t: number): number {
    const { loginsPerMinute, diurnal, bursts } = this.scenario.traffic;
    let r = loginsPerMinute / MINUTE;
    if (diurnal) {
      const [h = 0, m = 0] = diurnal.peakAt.split(':').map(Number);
      const tod = (Date.parse(this.scenario.startAt) + t) % DAY;
      r *= 1 + diurnal.amplitude * Math.cos((2 * Math.PI * (tod - (h * 60 + m) * MINUTE)) / DAY);
    }
    for (const b of bursts) if (t >= b.at && t < b.at + b.for) r *= b.factor;
    return r;
  }

  /** Processes every login up to and including simulated time `t`, taking scrapes as time passes. */
  runUntil(t: number): void {
    for (;;) {
      const retry = this.retries.peek();
      const arrival = this.nextArrival;
      const next = retry && retry.t < arrival ? retry.t : arrival;
      if (next > t) break;
      this.metrics.scrapeUntil(next);
      if (retry && retry.t < arrival) {
        this.retries.pop();
        this.login(retry.t, retry.user, retry.id, retry.attempt, retry.afterFailure);
      } else {
        const user = this.population.draw(this.arrivals.next(), this.scenario.traffic.users);
        this.login(arrival, user, this.nextId++, 0, false);
        this.nextArrival = this.drawArrival(arrival);
      }
    }
    this.metrics.scrapeUntil(t);
  }

  /** The user's Unleash bucket (1..100) for the rollout's stickiness and groupId. */
  bucket(user: number): number {
    let b = this.buckets[user] ?? 0;
    if (b === 0) {
      b = normalizedValue(`user-${user}`, this.groupId);
      this.buckets[user] = b;
    }
    return b;
  }

  private counters(v: Variant): LoginCounters {
    let c = this.c[v];
    if (!c) {
      c = loginCounters(this.metrics, this.scenario.spec.variant, v);
      this.c[v] = c;
    }
    return c;
  }

  private drawArrival(from: number): number {
    const max = (this.scenario.traffic.loginsPerMinute / MINUTE) * this.maxFactor;
    let t = from;
    for (;;) {
      t += exponential(this.arrivals.next(), max);
      // Thinning: accept with rate(t) / max; the draw count does not depend on any fault.
      if (this.arrivals.next() * max < this.rate(t)) return t;
    }
  }

  /** The arm of a login, as unleash-client decides it: scope constraints first, then the rollout hash. */
  private arm(user: number, t: number): Variant {
    const percentage = this.sdkPercentage(t);
    // A new epoch whenever the SDKs see another configuration: distinct-user series count afresh.
    if (percentage !== this.percentage) {
      this.percentage = percentage;
      this.epoch += 1;
    }
    if (!this.scope.has(user, t)) return 'out_of_scope';
    return this.bucket(user) <= percentage ? 'treatment' : 'control';
  }

  private login(t: number, user: number, id: number, attempt: number, afterFailure: boolean): void {
    const r = seededRandom(this.seed, 2, id, attempt);
    const [uErr, uPw, uMfa, uFault, uRetry, uDelay, uLogout, uEnroll, uMismatch] = [
      r.next(),
      r.next(),
      r.next(),
      r.next(),
      r.next(),
      r.next(),
      r.next(),
      r.next(),
      r.next(),
    ] as [number, number, number, number, number, number, number, number, number];
    const variant = this.arm(user, t);
    const epoch = this.epoch;
    const segment = this.population.segment(user);
    if (variant === 'treatment' && segment?.inScope === false && this.leaked[user] === 0) {
      this.leaked[user] = 1;
      this.scopeLeaks += 1;
    }
    const c = this.counters(variant);
    // The `attempt` label as the instrument helper sets it: a retry follows a failed or errored
    // login; one after a failed MFA challenge (the password passed) is a first attempt again.
    const tries = afterFailure ? c.retry : c.first;
    const u = this.users;
    const b = this.behaviour.at(this.population.segmentIndex(user), t);
    const faults = this.scenario.faults.filter(
      (f) => USER_FACING.has(f.effect) && touches(f, variant, segment?.name) && isActive(f, t),
    );
    if (faults.length > 0) this.harm.atRisk.add(user);
    const first = this.firstFault;
    if (first && t >= first.at && touches(first, variant, segment?.name)) this.harm.samples.add(user);
    if (attempt === 0) c.exposures.value += 1;
    u.exposed(user, variant, epoch);

    // The password step (login_attempts_total); MFA is its own step and its own series.
    const pHealthy = b.loginSuccess;
    const { serverErrors, loop, mismatch, pEff } = combinedFaultEffect(faults, pHealthy);
    let visitOk = false;
    let loginFailed = true;
    if (uErr < serverErrors) {
      tries.error.value += 1;
      c.http500.value += 1;
      u.login(user, variant, 'error', epoch);
      this.harmed(user);
    } else {
      const healthy = uPw < pHealthy;
      let pwOk = healthy;
      if (pEff !== undefined) {
        // Coupled with the healthy draw: a fault only turns successes into failures (or back).
        pwOk =
          pEff <= pHealthy
            ? healthy && pHealthy > 0 && uFault < pEff / pHealthy
            : healthy || uFault < (pEff - pHealthy) / (1 - pHealthy);
      }
      if (pwOk) {
        tries.success.value += 1;
        c.http200.value += 1;
        loginFailed = false;
        u.login(user, variant, 'success', epoch);
        visitOk = variant !== 'treatment' || this.mfa(user, epoch, uMfa, b, c);
      } else {
        tries.failure.value += 1;
        c.http401.value += 1;
        u.login(user, variant, 'failure', epoch);
        if (healthy) this.harmed(user);
      }
    }
    // The flag is off for them: their next challenge after it turns on again is a first one.
    if (variant !== 'treatment') this.mfaSeen[user] = 0;
    if (visitOk) {
      const healthyLogouts = poissonFromUniform(uLogout, b.logoutsPerLogin);
      const logouts = loop === 1 ? healthyLogouts : poissonFromUniform(uLogout, b.logoutsPerLogin * loop);
      c.logouts.value += logouts;
      for (let i = 0; i < logouts; i++) u.logout(user, variant, epoch, t);
      // A looping session logs straight back in after each extra logout: no failure precedes
      // those logins, so each is a first attempt.
      const relogins = Math.max(0, logouts - healthyLogouts);
      if (relogins > 0) {
        c.first.success.value += relogins;
        c.http200.value += relogins;
        this.harm.exposed.add(user);
      }
      if (variant === 'treatment' && uEnroll < b.enrollmentsPerLogin) {
        c.enrollments.value += 1;
        if (uMismatch < mismatch) {
          c.mismatch.value += 1;
          this.harm.exposed.add(user);
        }
      }
    } else if (uRetry < b.retryOnFailure && attempt + 1 < MAX_ATTEMPTS) {
      // A retry is the same visit: same user, same session id.
      this.retries.push({
        t: t + uDelay * MINUTE,
        user,
        id,
        attempt: attempt + 1,
        afterFailure: loginFailed,
      });
    }
  }

  /** The MFA challenge of a treatment login whose password passed; the first one after the flag turned on is harder. */
  private mfa(user: number, epoch: number, uMfa: number, b: Behaviour, c: LoginCounters): boolean {
    const p = this.mfaSeen[user] === 1 ? b.mfaSuccess : b.mfaFirstChallengeSuccess;
    this.mfaSeen[user] = 1;
    const ok = uMfa < p;
    (ok ? c.mfaPass : c.mfaFail).value += 1;
    this.users.mfa(user, 'treatment', ok ? 'success' : 'failure', epoch);
    return ok;
  }

  private harmed(user: number): void {
    this.harm.exposed.add(user);
    this.harm.failedByFault += 1;
  }
}
