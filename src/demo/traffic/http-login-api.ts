import type { ApiResult, Enrollment, LoginAnswer, LoginApi } from './login-api.js';

export interface HttpLoginApiOptions {
  /** e.g. `http://127.0.0.1:8081` */
  baseUrl: string;
  /** Per-request timeout; default 5000 ms. */
  timeoutMs?: number;
}

/** LoginApi over real HTTP (Node's fetch, keep-alive). */
export class HttpLoginApi implements LoginApi {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(options: HttpLoginApiOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  login(user: string, password: string, signal?: AbortSignal) {
    return this.call<LoginAnswer>('POST', '/login', { body: { user, password }, signal });
  }

  enroll(challenge: string, signal?: AbortSignal) {
    return this.call<Enrollment>('POST', '/mfa/enroll', { body: { challenge }, signal });
  }

  verify(challenge: string, code: string, signal?: AbortSignal) {
    return this.call<{ token: string }>('POST', '/mfa/verify', { body: { challenge, code }, signal });
  }

  session(token: string, signal?: AbortSignal) {
    return this.call<{ user: string }>('GET', '/session', { token, signal });
  }

  async logout(token: string, signal?: AbortSignal): Promise<ApiResult<null>> {
    const result = await this.call<unknown>('POST', '/logout', { token, signal });
    return result.ok ? { ok: true, value: null } : result;
  }

  private async call<T>(
    method: string,
    path: string,
    opts: { body?: unknown; token?: string; signal?: AbortSignal },
  ): Promise<ApiResult<T>> {
    const headers: Record<string, string> = {};
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    try {
      const res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout,
      });
      const text = await res.text();
      const json: unknown = text ? JSON.parse(text) : null;
      if (res.ok) return { ok: true, value: json as T };
      const code = (json as { code?: unknown } | null)?.code;
      return { ok: false, status: res.status, code: typeof code === 'string' ? code : undefined };
    } catch {
      return { ok: false, status: 0 };
    }
  }
}
