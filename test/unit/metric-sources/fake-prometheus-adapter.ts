import axios, {
  type AxiosAdapter,
  AxiosError,
  type AxiosInstance,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';

/** What the fake answers one request with. */
export type FakeReply = { status: number; body: unknown } | { networkError: string } | { hang: true };

/** A recorded request: the query parameters and headers the source sent. */
export interface SeenRequest {
  url: string;
  params: Record<string, unknown>;
  headers: Record<string, unknown>;
}

/**
 * Hand-written axios adapter standing in for Prometheus: no sockets. Replies are consumed in order;
 * the last one repeats. Mirrors what axios's http adapter does (reject on non-2xx, code on network errors).
 */
export function fakePrometheus(
  replies: FakeReply[],
  baseURL = 'http://prom.test:9090',
): {
  http: AxiosInstance;
  seen: SeenRequest[];
  inFlight: () => number;
  maxInFlight: () => number;
  release: () => void;
} {
  const seen: SeenRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const waiting: (() => void)[] = [];
  const adapter: AxiosAdapter = async (config: InternalAxiosRequestConfig) => {
    const reply = replies.length > 1 ? replies.shift() : replies[0];
    if (!reply) throw new Error('fakePrometheus: no reply configured');
    seen.push({
      url: `${config.baseURL ?? ''}${config.url ?? ''}`,
      params: { ...(config.params as Record<string, unknown>) },
      headers: { ...config.headers },
    });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      if ('hang' in reply) {
        await new Promise<void>((resolve, reject) => {
          waiting.push(resolve);
          config.signal?.addEventListener?.('abort', () =>
            reject(new AxiosError('canceled', 'ERR_CANCELED', config)),
          );
        });
        return respond(config, 200, { status: 'success', data: { resultType: 'vector', result: [] } });
      }
      if ('networkError' in reply)
        throw new AxiosError(`connect ${reply.networkError}`, reply.networkError, config);
      const response = respond(config, reply.status, reply.body);
      if (reply.status >= 200 && reply.status < 300) return response;
      throw new AxiosError(
        `Request failed with status code ${reply.status}`,
        reply.status >= 500 ? 'ERR_BAD_RESPONSE' : 'ERR_BAD_REQUEST',
        config,
        null,
        response,
      );
    } finally {
      inFlight--;
    }
  };
  return {
    http: axios.create({ baseURL, adapter, headers: { Authorization: 'Bearer s3cret-token' } }),
    seen,
    inFlight: () => inFlight,
    maxInFlight: () => maxInFlight,
    release: () => {
      for (const resolve of waiting.splice(0)) resolve();
    },
  };
}

function respond(config: InternalAxiosRequestConfig, status: number, data: unknown): AxiosResponse {
  return { data, status, statusText: String(status), headers: {}, config };
}

/** A successful vector answer. */
export function vector(...series: [Record<string, string>, string][]): FakeReply {
  return {
    status: 200,
    body: {
      status: 'success',
      data: {
        resultType: 'vector',
        result: series.map(([metric, v]) => ({ metric, value: [1700000000, v] })),
      },
    },
  };
}
