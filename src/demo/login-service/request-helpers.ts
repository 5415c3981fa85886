import type { Request, Response } from 'express';
import type { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import { UnauthorizedError } from '../../errors/unauthorized-error.js';
import { ValidationError } from '../../errors/validation-error.js';
import type { RequestVariant } from './login-metrics.js';

export function parseBody<T>(schema: z.ZodType<T>, req: Request): T {
  const result = schema.safeParse(req.body ?? {});
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((i) => ({
      source: `${req.method} ${req.path} body`,
      path: i.path.join('.'),
      message: i.message,
    })),
  );
}

export function bearerToken(req: Request): string {
  const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
  if (!match?.[1]) throw new UnauthorizedError('missing bearer token');
  return match[1];
}

/** Labels the request's `http_requests_total` series with the user's variant. */
export function setVariant(res: Response, variant: RequestVariant): void {
  res.locals.variant = variant;
}

/** Server-side failures (5xx, or anything that is not one of our typed errors) count as `error`. */
export function isServerError(err: unknown): boolean {
  return !(err instanceof AppError) || err.statusCode >= 500;
}
