import axios, { type AxiosInstance, isAxiosError } from 'axios';
import { ExponentialBackoff, handleWhen, type IPolicy, retry } from 'cockatiel';
import type { Env } from '../config/env-overrides.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:8080';

/** A request the server refused or could not answer, with a message that says what to do. */
export class RemoteError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    /** The answer was lost or the server was busy: the same keyed request may be sent again. */
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'RemoteError';
  }
}

/** Where the remote commands go: --server, else RAMPART_URL, else the local default. */
export function serverUrl(option: unknown, env: Env): string {
  const url = typeof option === 'string' && option ? option : env.RAMPART_URL || DEFAULT_SERVER;
  return url.replace(/\/+$/, '');
}

export interface ApiClientOptions {
  /** One attempt may take no longer. Default 10 s. */
  timeoutMs?: number;
  /** Attempts of a POST sent with an idempotency key, the first included. Default 5. */
  maxAttempts?: number;
  /** First and longest delay between attempts. Defaults 250 ms and 2 s. */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/** Connection failures after which the request may or may not have reached the server. */
const LOST = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE']);

/** rampart's HTTP API for the CLI; the token comes from RAMPART_TOKEN and is never printed. */
export class ApiClient {
  private readonly http: AxiosInstance;
  private readonly retryPolicy: IPolicy;

  constructor(
    readonly server: string,
    token: string | undefined,
    options: ApiClientOptions = {},
  ) {
    this.http = axios.create({
      baseURL: server,
      timeout: options.timeoutMs ?? 10_000,
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      validateStatus: () => true,
    });
    this.retryPolicy = retry(
      handleWhen((error) => error instanceof RemoteError && error.retryable),
      {
        maxAttempts: (options.maxAttempts ?? 5) - 1,
        backoff: new ExponentialBackoff({
          initialDelay: options.initialDelayMs ?? 250,
          maxDelay: options.maxDelayMs ?? 2000,
        }),
      },
    );
  }

  async get<T>(path: string): Promise<T> {
    return this.call<T>(() => this.http.get(path));
  }

  /**
   * POSTs `body`. With `idempotencyKey` (sent as the Idempotency-Key header), a lost answer
   * (connection reset or refused, timeout) or a busy server (409 in progress, 502-504) is retried
   * with the same key and backoff: the server applies the request once and answers every retry
   * with its first answer. Without a key nothing is retried.
   */
  async post<T>(path: string, body: unknown, idempotencyKey?: string): Promise<T> {
    if (idempotencyKey === undefined) return this.call<T>(() => this.http.post(path, body));
    const headers = { 'Idempotency-Key': idempotencyKey };
    return this.retryPolicy.execute(() => this.call<T>(() => this.http.post(path, body, { headers })));
  }

  private async call<T>(request: () => Promise<{ status: number; data: unknown }>): Promise<T> {
    let res: { status: number; data: unknown };
    try {
      res = await request();
    } catch (error) {
      const code = isAxiosError(error) ? error.code : undefined;
      const lost = code !== undefined && LOST.has(code);
      if (code === 'ECONNREFUSED')
        throw new RemoteError(
          `cannot reach rampart at ${this.server}: is it running? (rampart run)`,
          undefined,
          lost,
        );
      if (code === 'ECONNABORTED' || code === 'ETIMEDOUT')
        throw new RemoteError(`rampart at ${this.server} did not answer in time`, undefined, lost);
      throw new RemoteError(
        `cannot reach rampart at ${this.server}: ${code ?? String(error)}`,
        undefined,
        lost,
      );
    }
    if (res.status >= 200 && res.status < 300) return res.data as T;
    const data = res.data as { code?: string; message?: string } | undefined;
    const message = data?.message ?? `HTTP ${res.status}`;
    if (res.status === 401)
      throw new RemoteError(
        `token rejected by rampart at ${this.server}: check RAMPART_TOKEN (${message})`,
        401,
      );
    if (res.status === 403) throw new RemoteError(`not allowed: ${message}`, 403);
    const busy = data?.code === 'idempotency_in_progress' || [502, 503, 504].includes(res.status);
    throw new RemoteError(message, res.status, busy);
  }
}
