import { Secret, TOTP } from 'otpauth';
import type { ApiResult, Enrollment, LoginAnswer, LoginApi } from '../../../src/demo/traffic/login-api.js';
import type { Clock } from '../../../src/time/clock.js';

/** A hand-written LoginApi: MFA for `mfaUsers`, optional rejected sessions, optional hanging requests. */
export class FakeLoginApi implements LoginApi {
  readonly calls: string[] = [];
  readonly secrets = new Map<string, string>();
  rejectMfaSessions = false;
  /** When set, every login waits for this promise (or the abort signal). */
  hang: Promise<void> | undefined;
  private readonly challenges = new Map<string, string>();
  private readonly sessions = new Map<string, { user: string; mfa: boolean }>();
  private n = 0;

  constructor(
    private readonly clock: Clock,
    private readonly mfaUsers: (user: string) => boolean,
  ) {}

  async login(user: string, password: string, signal?: AbortSignal): Promise<ApiResult<LoginAnswer>> {
    this.calls.push(`login ${user}`);
    if (this.hang) {
      await Promise.race([this.hang, new Promise((resolve) => signal?.addEventListener('abort', resolve))]);
      if (signal?.aborted) return { ok: false, status: 0 };
    }
    if (password !== `${user}-pass`) return { ok: false, status: 401 };
    if (!this.mfaUsers(user)) return { ok: true, value: { status: 'ok', token: this.open(user, false) } };
    const challenge = `c${++this.n}`;
    this.challenges.set(challenge, user);
    return {
      ok: true,
      value: { status: 'mfa_required', challenge, enrollmentRequired: !this.secrets.has(user) },
    };
  }

  async enroll(challenge: string): Promise<ApiResult<Enrollment>> {
    const user = this.challenges.get(challenge);
    if (!user) return { ok: false, status: 404 };
    this.calls.push(`enroll ${user}`);
    const secret = new Secret({ size: 20 }).base32;
    this.secrets.set(user, secret);
    return { ok: true, value: { secret, uri: '' } };
  }

  async verify(challenge: string, code: string): Promise<ApiResult<{ token: string }>> {
    const user = this.challenges.get(challenge);
    this.challenges.delete(challenge);
    const secret = user ? this.secrets.get(user) : undefined;
    if (!user || !secret) return { ok: false, status: 401 };
    const totp = new TOTP({ secret: Secret.fromBase32(secret) });
    if (totp.validate({ token: code, timestamp: this.clock.now().getTime(), window: 1 }) === null) {
      return { ok: false, status: 401 };
    }
    this.calls.push(`verified ${user}`);
    return { ok: true, value: { token: this.open(user, true) } };
  }

  async session(token: string): Promise<ApiResult<{ user: string }>> {
    const s = this.sessions.get(token);
    if (!s || (s.mfa && this.rejectMfaSessions)) return { ok: false, status: 401 };
    return { ok: true, value: { user: s.user } };
  }

  async logout(token: string): Promise<ApiResult<null>> {
    const s = this.sessions.get(token);
    if (!s) return { ok: false, status: 401 };
    this.sessions.delete(token);
    this.calls.push(`logout ${s.user}`);
    return { ok: true, value: null };
  }

  private open(user: string, mfa: boolean): string {
    const token = `t${++this.n}`;
    this.sessions.set(token, { user, mfa });
    return token;
  }
}
