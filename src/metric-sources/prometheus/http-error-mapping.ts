import axios from 'axios';
import { MetricSourceError } from '../../errors/metric-source-error.js';

/**
 * Maps a failed request to a typed error. The original axios error is never kept as `cause`:
 * it carries the request headers, and with them the Authorization header.
 */
export function toMetricSourceError(error: unknown, endpoint: string, query: string): MetricSourceError {
  if (!axios.isAxiosError(error)) {
    return MetricSourceError.unreachable(endpoint, error instanceof Error ? error.message : String(error));
  }
  const res = error.response;
  if (res) {
    const body = res.data as { status?: unknown; errorType?: unknown; error?: unknown } | undefined;
    if (body && typeof body === 'object' && body.status === 'error') {
      return MetricSourceError.query(String(body.errorType ?? 'error'), query, String(body.error ?? ''));
    }
    return MetricSourceError.http(res.status, endpoint);
  }
  if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT') {
    return MetricSourceError.timeout(endpoint, error.config?.timeout ?? 0);
  }
  return MetricSourceError.unreachable(endpoint, error.code ?? error.message);
}

/** `scheme://host:port/prefix` without user info, for messages. */
export function redactedEndpoint(url: string, pathPrefix = ''): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/$/, '')}${pathPrefix}`;
}
