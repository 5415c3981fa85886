import type { Request } from 'express';
import type { z } from 'zod';
import { ValidationError } from '../errors/validation-error.js';

/** Parses a request body strictly; every issue names the field path and what was wrong. */
export function parseBody<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  const result = schema.safeParse(req.body ?? {});
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({
      source: `${req.method} ${req.originalUrl} body`,
      path: issue.path.map(String).join('.'),
      message: issue.message,
    })),
  );
}
