import axios from 'axios';
import type { AppError } from '../../errors/app-error.js';
import { MetricSourceHttpError } from '../../errors/metric-source-http-error.js';
import { MetricSourceQueryError } from '../../errors/metric-source-query-error.js';
import { MetricSourceTimeoutError } from '../../errors/metric-source-timeout-error.js';
import { MetricSourceUnreachableError } from '../../errors/metric-source-unreachable-error.js';

/**
 * Maps a failed request to a typed error. The original axios error is never kept as `cause`:
 * it carries the request headers, and with them the Authorization header.
 */
export function toMetricSourceError(error: unknown, endpoint: string, query: string): AppError {
  if (!axios.isAxiosError(error)) {
    return new MetricSourceUnreachableError(endpoint, error instanceof Error ? error.message : String(error));
  }
  const res = error.response;
  if (res) {
    const body = res.data as { status?: unknown; errorType?: unknown; error?: unknown } | undefined;
    if (body && typeof body === 'object' && body.status === 'error') {
      return new MetricSourceQueryError(String(body.errorType ?? 'error'), query, String(body.error ?? ''));
    }
    return new MetricSourceHttpError(res.status, endpoint);
  }
  if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT') {
    return new MetricSourceTimeoutError(endpoint, error.config?.timeout ?? 0);
  }
  return new MetricSourceUnreachableError(endpoint, error.code ?? error.message);
}

/** `scheme://host:port/prefix` without user info, for messages. */
export function redactedEndpoint(url: string, pathPrefix = ''): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/$/, '')}${pathPrefix}`;
}
