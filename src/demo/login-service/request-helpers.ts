import type { Request, Response } from 'express';
import { AppError } from '../../errors/app-error.js';
import { RequestError } from '../../errors/request-error.js';
import type { RequestVariant } from './login-metrics.js';

export function bearerToken(req: Request): string {
  const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
  if (!match?.[1]) throw new RequestError('unauthorized', 'missing bearer token');
  return match[1];
}

/**
 * Labels the request's `http_requests_total` series with the user's variant, and remembers whose
 * request it was for the `onResponse` observer (the demo counts the users a fault hit).
 */
export function setVariant(res: Response, variant: RequestVariant, userId?: string): void {
  res.locals.variant = variant;
  if (userId !== undefined) res.locals.userId = userId;
}

/** Server-side failures (5xx, or anything that is not one of our typed errors) count as `error`. */
export function isServerError(err: unknown): boolean {
  return !(err instanceof AppError) || err.statusCode >= 500;
}
