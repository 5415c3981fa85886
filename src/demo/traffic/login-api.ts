/** An answer of the login service: the value, or the HTTP status (0 for a network failure or timeout). */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; status: number; code?: string };

export type LoginAnswer =
  | { status: 'ok'; token: string }
  | { status: 'mfa_required'; challenge: string; enrollmentRequired: boolean };

export interface Enrollment {
  /** Base32 TOTP secret. */
  secret: string;
  uri: string;
}

/** The login service's HTTP API as a client sees it; the traffic generator talks only through this. */
export interface LoginApi {
  /** POST /login. */
  login(user: string, password: string, signal?: AbortSignal): Promise<ApiResult<LoginAnswer>>;
  /** POST /mfa/enroll: binds a new TOTP secret to the challenge's user. */
  enroll(challenge: string, signal?: AbortSignal): Promise<ApiResult<Enrollment>>;
  /** POST /mfa/verify: answers the challenge with a TOTP code; a session token on success. */
  verify(challenge: string, code: string, signal?: AbortSignal): Promise<ApiResult<{ token: string }>>;
  /** GET /session: whether the token is accepted. */
  session(token: string, signal?: AbortSignal): Promise<ApiResult<{ user: string }>>;
  /** POST /logout. */
  logout(token: string, signal?: AbortSignal): Promise<ApiResult<null>>;
}
