import { normalizedValue } from '../flag-backends/stickiness-hash.js';
import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import { combinedFaultEffect, isActive, USER_FACING } from './combined-fault-effect.js';
import type { HarmStats } from './harm-stats.js';
import { type LoginCounters, loginCounters, type Variant } from './login-counters.js';
import type { Scenario } from './parse-scenario.js';
import { exponential, poissonFromUniform, type Random, seededRandom } from './prng.js';
import { RetryQueue } from './retry-queue.js';
import type { Fault } from './scenario-schema.js';
import type { SimMetricSource } from './sim-metric-source.js';
import { satisfyingContext, UserScope } from './user-scope.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const MAX_ATTEMPTS = 10;

/**
 * Login traffic at the level of the metrics contract: Poisson arrivals (thinned for the diurnal
 * curve and bursts), users drawn from user-1..user-N and put in an arm by Unleash's stickiness hash
 * against the percentage the SDKs see, baseline behaviour and fault effects. Every login draws its
 * randomness from its own counter-based stream, so a fault changes the logins it touches and
 * nothing else (control traffic is bit-identical with and without a treatment fault).
 */
export class TrafficModel {
  readonly harm: HarmStats = { exposed: new Set(), atRisk: new Set(), failedByFault: 0, affectedLogins: 0 };
  private readonly arrivals: Random;
  private readonly buckets: Uint8Array;
  private readonly scope: UserScope;
  private readonly groupId: string;
  private readonly maxFactor: number;
  private readonly retries = new RetryQueue();
  private readonly firstFault: Fault | undefined;
  private nextArrival: number;
  private nextId = 0;
  private readonly c: Record<Variant, LoginCounters>;

  constructor(
    private readonly scenario: Scenario,
    private readonly seed: number,
    private readonly metrics: SimMetricSource,
    private readonly sdkPercentage: (t: number) => number,
  ) {
    const spec: RolloutSpec = scenario.spec;
    this.groupId = spec.flag.groupId ?? spec.flag.name;
    this.buckets = new Uint8Array(scenario.traffic.users + 1);
    const constraints = spec.flag.constraints ?? [];
    const context = scenario.traffic.context ?? satisfyingContext(constraints);
    this.scope = new UserScope(constraints, context, scenario.traffic.users, Date.parse(scenario.startAt));
    this.arrivals = seededRandom(seed, 1);
    const { diurnal, bursts } = scenario.traffic;
    this.maxFactor = (1 + (diurnal?.amplitude ?? 0)) * Math.max(1, ...bursts.map((b) => b.factor));
    this.firstFault = scenario.faults.filter((f) => USER_FACING.has(f.effect)).sort((a, b) => a.at - b.at)[0];
    this.c = {
      treatment: loginCounters(metrics, spec.variant, 'treatment'),
      control: loginCounters(metrics, spec.variant, 'control'),
    };
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
        this.login(retry.t, retry.user, retry.id, retry.attempt);
      } else {
        const user = 1 + Math.floor(this.arrivals.next() * this.scenario.traffic.users);
        this.login(arrival, user, this.nextId++, 0);
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

  private drawArrival(from: number): number {
    const max = (this.scenario.traffic.loginsPerMinute / MINUTE) * this.maxFactor;
    let t = from;
    for (;;) {
      t += exponential(this.arrivals.next(), max);
      // Thinning: accept with rate(t) / max; the draw count does not depend on any fault.
      if (this.arrivals.next() * max < this.rate(t)) return t;
    }
  }

  private login(t: number, user: number, id: number, attempt: number): void {
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
    // As unleash-client: the strategy's constraints first, then the rollout hash.
    const on = this.scope.has(user, t) && this.bucket(user) <= this.sdkPercentage(t);
    const variant: Variant = on ? 'treatment' : 'control';
    const c = this.c[variant];
    const base = this.scenario.baseline;
    const faults = this.scenario.faults.filter(
      (f) => USER_FACING.has(f.effect) && (f.arm === 'all' || f.arm === variant) && isActive(f, t),
    );
    if (faults.length > 0) this.harm.atRisk.add(user);
    if (
      this.firstFault &&
      t >= this.firstFault.at &&
      (this.firstFault.arm === 'all' || this.firstFault.arm === variant)
    )
      this.harm.affectedLogins += 1;
    if (attempt === 0) c.exposures.value += 1;

    const pHealthy = base.loginSuccess * (variant === 'treatment' ? base.mfaSuccess : 1);
    const { serverErrors, loop, mismatch, pEff } = combinedFaultEffect(faults, pHealthy);

    let ok = false;
    if (uErr < serverErrors) {
      c.error.value += 1;
      c.http500.value += 1;
      this.harmed(user);
    } else {
      const pwOk = uPw < base.loginSuccess;
      const mfaOk = variant === 'control' || uMfa < base.mfaSuccess;
      const healthy = pwOk && mfaOk;
      ok = healthy;
      if (pEff !== undefined) {
        ok =
          pEff <= pHealthy
            ? healthy && pHealthy > 0 && uFault < pEff / pHealthy
            : healthy || uFault < (pEff - pHealthy) / (1 - pHealthy);
      }
      if (variant === 'treatment' && pwOk) (ok ? c.mfaPass : c.mfaFail).value += 1;
      if (ok) {
        c.success.value += 1;
        c.http200.value += 1;
      } else {
        c.failure.value += 1;
        c.http401.value += 1;
        if (healthy) this.harmed(user);
      }
    }
    if (ok) {
      const healthyLogouts = poissonFromUniform(uLogout, base.logoutsPerLogin);
      const logouts = loop === 1 ? healthyLogouts : poissonFromUniform(uLogout, base.logoutsPerLogin * loop);
      c.logouts.value += logouts;
      // A looping session logs straight back in after each extra logout.
      const relogins = Math.max(0, logouts - healthyLogouts);
      if (relogins > 0) {
        c.success.value += relogins;
        c.http200.value += relogins;
        this.harm.exposed.add(user);
      }
      if (variant === 'treatment' && uEnroll < base.enrollmentsPerLogin) {
        c.enrollments.value += 1;
        if (uMismatch < mismatch) {
          c.mismatch.value += 1;
          this.harm.exposed.add(user);
        }
      }
    } else if (uRetry < base.retryOnFailure && attempt + 1 < MAX_ATTEMPTS) {
      this.retries.push({ t: t + uDelay * MINUTE, user, id, attempt: attempt + 1 });
    }
  }

  private harmed(user: number): void {
    this.harm.exposed.add(user);
    this.harm.failedByFault += 1;
  }
}
