import axios, { type AxiosInstance, isAxiosError } from 'axios';
import type { Env } from '../config/env-overrides.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:8080';

/** A request the server refused or could not answer, with a message that says what to do. */
export class RemoteError extends Error {
  constructor(
    message: string,
    readonly status?: number,
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

/** rampart's HTTP API for the CLI; the token comes from RAMPART_TOKEN and is never printed. */
export class ApiClient {
  private readonly http: AxiosInstance;

  constructor(
    readonly server: string,
    token: string | undefined,
    timeoutMs = 10_000,
  ) {
    this.http = axios.create({
      baseURL: server,
      timeout: timeoutMs,
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      validateStatus: () => true,
    });
  }

  async get<T>(path: string): Promise<T> {
    return this.call<T>(() => this.http.get(path));
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>(() => this.http.post(path, body));
  }

  private async call<T>(request: () => Promise<{ status: number; data: unknown }>): Promise<T> {
    let res: { status: number; data: unknown };
    try {
      res = await request();
    } catch (error) {
      const code = isAxiosError(error) ? error.code : undefined;
      if (code === 'ECONNREFUSED')
        throw new RemoteError(`cannot reach rampart at ${this.server}: is it running? (rampart run)`);
      if (code === 'ECONNABORTED' || code === 'ETIMEDOUT')
        throw new RemoteError(`rampart at ${this.server} did not answer in time`);
      throw new RemoteError(`cannot reach rampart at ${this.server}: ${code ?? String(error)}`);
    }
    if (res.status >= 200 && res.status < 300) return res.data as T;
    const message = (res.data as { message?: string } | undefined)?.message ?? `HTTP ${res.status}`;
    if (res.status === 401)
      throw new RemoteError(
        `token rejected by rampart at ${this.server}: check RAMPART_TOKEN (${message})`,
        401,
      );
    if (res.status === 403) throw new RemoteError(`not allowed: ${message}`, 403);
    throw new RemoteError(message, res.status);
  }
}
