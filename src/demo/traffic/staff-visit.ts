import { Secret, TOTP } from 'otpauth';
import type { Random } from '../../sim/prng.js';
import type { Clock } from '../../time/clock.js';
import { demoPassword } from '../login-service/user-directory.js';
import type { ApiResult, LoginApi } from './login-api.js';
import type { TrafficStats } from './traffic-stats.js';

export interface VisitBehaviour {
  /** Login attempts after a failed or erroring one (per visit); default 2. */
  maxRetries: number;
  /** Wait before retry k (1-based) is k times this; default 500 ms. */
  retryDelayMs: number;
  /** Logins again after rejected sessions before giving up (the cap on a logout loop); default 5. */
  maxRelogins: number;
  /** Chance a visit ends with an explicit logout; default 0.3. */
  logoutProbability: number;
  /** Chance of mistyping the password or the TOTP code; default 0.02 each. */
  typoProbability: number;
}

export interface VisitContext {
  api: LoginApi;
  clock: Clock;
  prng: Random;
  stats: TrafficStats;
  behaviour: VisitBehaviour;
  /** TOTP secrets the virtual users keep after enrolling (their authenticator apps). */
  secrets: Map<string, string>;
  signal: AbortSignal;
  /** Resolves after `ms` (or at once when stopping). */
  delay(ms: number): Promise<void>;
}

type LoginOutcome = { kind: 'ok'; token: string } | { kind: 'failed' } | { kind: 'error' };

function classify<T>(ctx: VisitContext, result: ApiResult<T>): 'failed' | 'error' {
  if (ctx.signal.aborted) return 'failed';
  return result.ok || (result.status >= 400 && result.status < 500) ? 'failed' : 'error';
}

function typo(ctx: VisitContext, value: string): string {
  return ctx.prng.next() < ctx.behaviour.typoProbability ? `${value}x`.slice(1) : value;
}

function totpCode(ctx: VisitContext, secret: string): string {
  const code = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({
    timestamp: ctx.clock.now().getTime(),
  });
  // A typo of a code stays six digits, so the service judges it instead of rejecting the shape.
  return ctx.prng.next() < ctx.behaviour.typoProbability
    ? String((Number(code) + 1) % 1_000_000).padStart(6, '0')
    : code;
}

/** One login, through MFA (enrolling first when the service asks) when the flag is on for the user. */
async function loginOnce(ctx: VisitContext, userId: string): Promise<LoginOutcome> {
  const { api, signal } = ctx;
  const login = await api.login(userId, typo(ctx, demoPassword(userId)), signal);
  if (!login.ok) return { kind: classify(ctx, login) };
  if (login.value.status === 'ok') return { kind: 'ok', token: login.value.token };
  const { challenge, enrollmentRequired } = login.value;
  if (enrollmentRequired) {
    const enrolled = await api.enroll(challenge, signal);
    if (enrolled.ok) {
      ctx.secrets.set(userId, enrolled.value.secret);
      ctx.stats.enrollments++;
    } else if (enrolled.status !== 409) {
      // 409: another visit of the same user enrolled a moment ago; answer with what we have.
      return { kind: classify(ctx, enrolled) };
    }
  }
  const secret = ctx.secrets.get(userId);
  // Enrolled elsewhere (another client, or a previous run): this user has no authenticator here.
  const code = secret ? totpCode(ctx, secret) : '000000';
  const verified = await api.verify(challenge, code, signal);
  if (!verified.ok) return { kind: classify(ctx, verified) };
  ctx.stats.mfaVerified++;
  return { kind: 'ok', token: verified.value.token };
}

/** Logs in with retries; counts every attempt. */
async function loginWithRetries(ctx: VisitContext, userId: string): Promise<string | undefined> {
  for (let attempt = 0; ; attempt++) {
    const outcome = await loginOnce(ctx, userId);
    if (ctx.signal.aborted) return undefined;
    if (outcome.kind === 'ok') {
      ctx.stats.loginsOk++;
      return outcome.token;
    }
    if (outcome.kind === 'failed') ctx.stats.loginsFailed++;
    else ctx.stats.errors++;
    if (attempt >= ctx.behaviour.maxRetries) return undefined;
    ctx.stats.retries++;
    await ctx.delay(ctx.behaviour.retryDelayMs * (attempt + 1));
    if (ctx.signal.aborted) return undefined;
  }
}

/**
 * One staff member's visit: log in (retrying after failures), check the session, and — as the
 * incident's client patch did — log out and log in again when the service rejects the token,
 * at most `maxRelogins` times. Some visits end with a logout.
 */
export async function runStaffVisit(ctx: VisitContext, userId: string): Promise<void> {
  let token = await loginWithRetries(ctx, userId);
  if (token === undefined) return;
  for (let relogins = 0; ; ) {
    const check = await ctx.api.session(token, ctx.signal);
    if (ctx.signal.aborted) return;
    if (check.ok) break;
    if (check.status !== 401) {
      ctx.stats.errors++;
      return;
    }
    const out = await ctx.api.logout(token, ctx.signal);
    if (out.ok) ctx.stats.logouts++;
    if (relogins >= ctx.behaviour.maxRelogins) {
      ctx.stats.reloginCapsHit++;
      return;
    }
    relogins++;
    ctx.stats.relogins++;
    token = await loginWithRetries(ctx, userId);
    if (token === undefined) return;
  }
  if (ctx.prng.next() < ctx.behaviour.logoutProbability) {
    const out = await ctx.api.logout(token, ctx.signal);
    if (out.ok) ctx.stats.logouts++;
    else if (!ctx.signal.aborted && out.status !== 401) ctx.stats.errors++;
  }
}
