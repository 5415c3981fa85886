import { normalizedValue } from '../flag-backends/stickiness-hash.js';
import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import type { Scenario } from './parse-scenario.js';
import { exponential, poissonFromUniform, type Random, seededRandom } from './prng.js';
import type { Fault } from './scenario-schema.js';
import type { SimMetricSource } from './sim-metric-source.js';

type Variant = 'treatment' | 'control';
const MINUTE = 60_000;
const DAY = 86_400_000;
const MAX_ATTEMPTS = 10;

interface Retry {
  t: number;
  user: number;
  id: number;
  attempt: number;
}

/** What the faults did to users (only counted up to the end of the run, i.e. an effective rollback). */
export interface HarmStats {
  /** Users who suffered a fault's effect (failed or 5xx login caused by it, mis-bound enrollment, loop). */
  exposed: Set<number>;
  /** Users who logged in while a user-facing fault was active in their arm. */
  atRisk: Set<number>;
  /** Failed (or 5xx) logins the fault caused. */
  failedByFault: number;
  /** Login attempts in the first user-facing fault's arm since it started (the detector's sample). */
  affectedLogins: number;
}

const USER_FACING = new Set<Fault['effect']>([
  'loginSuccess',
  'loginSuccessDrop',
  'logoutLoop',
  'enrollmentMismatch',
  'serverErrors',
]);

function active(f: Fault, t: number): boolean {
  return f.at <= t && (f.until === undefined || t < f.until);
}

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
  private readonly groupId: string;
  private readonly maxFactor: number;
  private readonly heap: Retry[] = [];
  private readonly firstFault: Fault | undefined;
  private nextArrival: number;
  private nextId = 0;
  private readonly c;

  constructor(
    private readonly scenario: Scenario,
    private readonly seed: number,
    private readonly metrics: SimMetricSource,
    private readonly sdkPercentage: (t: number) => number,
  ) {
    const spec: RolloutSpec = scenario.spec;
    this.groupId = spec.flag.groupId ?? spec.flag.name;
    this.buckets = new Uint8Array(scenario.traffic.users + 1);
    this.arrivals = seededRandom(seed, 1);
    const { diurnal, bursts } = scenario.traffic;
    this.maxFactor = (1 + (diurnal?.amplitude ?? 0)) * Math.max(1, ...bursts.map((b) => b.factor));
    this.firstFault = scenario.faults.filter((f) => USER_FACING.has(f.effect)).sort((a, b) => a.at - b.at)[0];
    const v = spec.variant;
    const arm = (variant: Variant) => ({
      success: metrics.counter('login_attempts_total', { [v.label]: v[variant], result: 'success' }),
      failure: metrics.counter('login_attempts_total', { [v.label]: v[variant], result: 'failure' }),
      error: metrics.counter('login_attempts_total', { [v.label]: v[variant], result: 'error' }),
      http200: metrics.counter('http_requests_total', {
        [v.label]: v[variant],
        route: '/login',
        code: '200',
      }),
      http401: metrics.counter('http_requests_total', {
        [v.label]: v[variant],
        route: '/login',
        code: '401',
      }),
      http500: metrics.counter('http_requests_total', {
        [v.label]: v[variant],
        route: '/login',
        code: '500',
      }),
      logouts: metrics.counter('logouts_total', { [v.label]: v[variant] }),
      mfaPass: metrics.counter('mfa_challenges_total', { [v.label]: v[variant], result: 'success' }),
      mfaFail: metrics.counter('mfa_challenges_total', { [v.label]: v[variant], result: 'failure' }),
      enrollments: metrics.counter('mfa_enrollments_total', { [v.label]: v[variant] }),
      mismatch: metrics.counter('mfa_enrollment_owner_mismatch_total', { [v.label]: v[variant] }),
      exposures: metrics.counter('flag_exposures_total', { [v.label]: v[variant] }),
    });
    this.c = { treatment: arm('treatment'), control: arm('control') };
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
      const retry = this.heap[0];
      const arrival = this.nextArrival;
      const next = retry && retry.t < arrival ? retry.t : arrival;
      if (next > t) break;
      this.metrics.scrapeUntil(next);
      if (retry && retry.t < arrival) {
        this.popRetry();
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
    const variant: Variant = this.bucket(user) <= this.sdkPercentage(t) ? 'treatment' : 'control';
    const c = this.c[variant];
    const base = this.scenario.baseline;
    const faults = this.scenario.faults.filter(
      (f) => USER_FACING.has(f.effect) && (f.arm === 'all' || f.arm === variant) && active(f, t),
    );
    if (faults.length > 0) this.harm.atRisk.add(user);
    if (
      this.firstFault &&
      t >= this.firstFault.at &&
      (this.firstFault.arm === 'all' || this.firstFault.arm === variant)
    )
      this.harm.affectedLogins += 1;
    if (attempt === 0) c.exposures.value += 1;

    let serverErrors = 0;
    let loop = 1;
    let mismatch = 0;
    let pEff: number | undefined;
    const pHealthy = base.loginSuccess * (variant === 'treatment' ? base.mfaSuccess : 1);
    for (const f of faults) {
      if (f.effect === 'serverErrors') serverErrors = 1 - (1 - serverErrors) * (1 - f.serverErrors);
      else if (f.effect === 'logoutLoop') loop *= f.logoutLoop.factor;
      else if (f.effect === 'enrollmentMismatch') mismatch = Math.max(mismatch, f.enrollmentMismatch);
      else if (f.effect === 'loginSuccess') pEff = f.loginSuccess;
      else if (f.effect === 'loginSuccessDrop') pEff = Math.max(0, (pEff ?? pHealthy) - f.loginSuccessDrop);
    }

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
      this.pushRetry({ t: t + uDelay * MINUTE, user, id, attempt: attempt + 1 });
    }
  }

  private harmed(user: number): void {
    this.harm.exposed.add(user);
    this.harm.failedByFault += 1;
  }

  private pushRetry(r: Retry): void {
    const h = this.heap;
    h.push(r);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p] as Retry;
      if (parent.t <= r.t) break;
      h[i] = parent;
      i = p;
    }
    h[i] = r;
  }

  private popRetry(): void {
    const h = this.heap;
    const last = h.pop() as Retry;
    if (h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const rgt = l + 1;
      const child = rgt < h.length && (h[rgt] as Retry).t < (h[l] as Retry).t ? rgt : l;
      if ((h[child] as Retry).t >= last.t) break;
      h[i] = h[child] as Retry;
      i = child;
    }
    h[i] = last;
  }
}
