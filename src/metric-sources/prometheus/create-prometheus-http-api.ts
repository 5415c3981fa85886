import axios, { type AxiosInstance } from 'axios';
import type { PrometheusSourceConfig } from '../metric-source-config.js';
import { redactedEndpoint } from './http-error-mapping.js';
import { PrometheusHttpApi } from './prometheus-http-api.js';

/** The axios instance for a Prometheus config: base URL with path prefix, credentials as a header. */
export function createPrometheusAxios(config: PrometheusSourceConfig): AxiosInstance {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (config.auth?.type === 'bearer') headers.Authorization = `Bearer ${config.auth.token}`;
  if (config.auth?.type === 'basic') {
    const pair = `${config.auth.username}:${config.auth.password}`;
    headers.Authorization = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
  }
  return axios.create({
    baseURL: `${config.url.replace(/\/$/, '')}${config.pathPrefix}`,
    headers,
    // Redirects could carry the Authorization header to another host.
    maxRedirects: 0,
  });
}

/** The transport for a Prometheus config; `http` replaces the axios instance (tests, custom agents). */
export function createPrometheusHttpApi(
  config: PrometheusSourceConfig,
  http?: AxiosInstance,
): PrometheusHttpApi {
  return new PrometheusHttpApi(http ?? createPrometheusAxios(config), {
    endpoint: redactedEndpoint(config.url, config.pathPrefix),
    timeoutMs: config.timeout,
    retries: config.retries,
    concurrency: config.concurrency,
    queue: config.queue,
  });
}
