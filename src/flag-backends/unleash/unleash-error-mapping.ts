import { isAxiosError } from 'axios';
import { redactUrl } from '../../errors/redact-url.js';
import { UnleashError, type UnleashErrorCode } from '../../errors/unleash-error.js';

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);

/** Unleash's error bodies carry a human message; it never contains the token. */
function serverMessage(data: unknown): string | undefined {
  if (typeof data === 'object' && data !== null && 'message' in data && typeof data.message === 'string') {
    return data.message;
  }
  return undefined;
}

/**
 * Turns whatever axios threw into one of the typed Unleash errors; `tokenSource` names where the
 * admin token was configured, for the message of a 401/403. The axios error itself is not kept
 * as `cause`: its config carries the Authorization header, and causes end up in logs.
 */
export function toUnleashError(error: unknown, url: string, what: string, tokenSource: string): UnleashError {
  if (error instanceof UnleashError) return error;
  // A base URL may carry credentials (userinfo, ?token=); messages and the error show it redacted.
  const baseUrl = redactUrl(url);
  if (!isAxiosError(error)) {
    const text = error instanceof Error ? error.message : String(error);
    return new UnleashError('unleash_unreachable', `${what} at Unleash ${baseUrl} failed: ${text}`, baseUrl);
  }
  const status = error.response?.status;
  if (status !== undefined) {
    if (status === 401 || status === 403) return UnleashError.unauthorized(baseUrl, status, tokenSource);
    const detail = serverMessage(error.response?.data) ?? `HTTP ${status}`;
    const [code, text] = rejection(status, baseUrl);
    return new UnleashError(code, `${what}: ${text}: ${detail}`, baseUrl, { status });
  }
  if (error.code !== undefined && TIMEOUT_CODES.has(error.code)) {
    return new UnleashError(
      'unleash_timeout',
      `${what}: Unleash at ${baseUrl} did not answer in time`,
      baseUrl,
    );
  }
  const code = error.code ?? 'no response';
  return new UnleashError(
    'unleash_unreachable',
    `${what}: cannot reach Unleash at ${baseUrl} (${code}): is it running, is UNLEASH_URL right?`,
    baseUrl,
  );
}

/** The code an HTTP status other than 401/403 stands for, and how the message says it. */
function rejection(status: number, baseUrl: string): [UnleashErrorCode, string] {
  if (status === 404) return ['unleash_not_found', `not found in Unleash at ${baseUrl}`];
  if (status === 409) return ['unleash_conflict', `conflict in Unleash at ${baseUrl}`];
  if (status >= 500) return ['unleash_server_error', `Unleash at ${baseUrl} answered ${status}`];
  return ['unleash_request_rejected', `Unleash at ${baseUrl} rejected the request (${status})`];
}
