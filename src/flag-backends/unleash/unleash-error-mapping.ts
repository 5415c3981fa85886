import { isAxiosError } from 'axios';
import { UnleashConflictError } from '../../errors/unleash-conflict-error.js';
import { UnleashError } from '../../errors/unleash-error.js';
import { UnleashNotFoundError } from '../../errors/unleash-not-found-error.js';
import { UnleashRequestRejectedError } from '../../errors/unleash-request-rejected-error.js';
import { UnleashServerError } from '../../errors/unleash-server-error.js';
import { UnleashTimeoutError } from '../../errors/unleash-timeout-error.js';
import { UnleashUnauthorizedError } from '../../errors/unleash-unauthorized-error.js';
import { UnleashUnreachableError } from '../../errors/unleash-unreachable-error.js';

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);

/** Unleash's error bodies carry a human message; it never contains the token. */
function serverMessage(data: unknown): string | undefined {
  if (typeof data === 'object' && data !== null && 'message' in data && typeof data.message === 'string') {
    return data.message;
  }
  return undefined;
}

/**
 * Turns whatever axios threw into one of the typed Unleash errors. The axios error itself is not kept
 * as `cause`: its config carries the Authorization header, and causes end up in logs.
 */
export function toUnleashError(error: unknown, baseUrl: string, what: string): UnleashError {
  if (error instanceof UnleashError) return error;
  if (!isAxiosError(error)) {
    const text = error instanceof Error ? error.message : String(error);
    return new UnleashUnreachableError(`${what} at Unleash ${baseUrl} failed: ${text}`, baseUrl);
  }
  const status = error.response?.status;
  if (status !== undefined) {
    const detail = serverMessage(error.response?.data) ?? `HTTP ${status}`;
    if (status === 401 || status === 403) return new UnleashUnauthorizedError(baseUrl, status);
    if (status === 404)
      return new UnleashNotFoundError(`${what}: not found in Unleash at ${baseUrl}: ${detail}`, baseUrl);
    if (status === 409)
      return new UnleashConflictError(`${what}: conflict in Unleash at ${baseUrl}: ${detail}`, baseUrl);
    if (status >= 500) {
      return new UnleashServerError(
        `${what}: Unleash at ${baseUrl} answered ${status}: ${detail}`,
        baseUrl,
        status,
      );
    }
    return new UnleashRequestRejectedError(
      `${what}: Unleash at ${baseUrl} rejected the request (${status}): ${detail}`,
      baseUrl,
      status,
    );
  }
  if (error.code !== undefined && TIMEOUT_CODES.has(error.code)) {
    return new UnleashTimeoutError(`${what}: Unleash at ${baseUrl} did not answer in time`, baseUrl);
  }
  const code = error.code ?? 'no response';
  return new UnleashUnreachableError(
    `${what}: cannot reach Unleash at ${baseUrl} (${code}): is it running, is UNLEASH_URL right?`,
    baseUrl,
  );
}
