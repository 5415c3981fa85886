import { z } from 'zod';
import { IDEMPOTENCY_KEY_PATTERN } from './idempotency.js';

export const COMMAND_ROUTES = ['start', 'pause', 'resume', 'approve', 'promote', 'rollback'] as const;

/** Body of POST /api/rollouts/:name/{start,pause,resume,approve,promote,rollback}. */
export const commandBodySchema = z.strictObject({
  reason: z.string().trim().min(1, 'a reason is required').max(2000),
  /** promote only: straight to 100 %. */
  full: z.boolean().optional(),
});

export const auditQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** The `nextCursor` of the previous page. */
  cursor: z.coerce.number().int().min(0).optional(),
  /** `asc`: oldest first (the default); `desc`: newest first, so `limit=N` is the newest N. */
  order: z.enum(['asc', 'desc']).default('asc'),
});

export const errorBodySchema = z.object({ code: z.string(), message: z.string() });

export const commandAcceptedSchema = z.object({
  id: z.number().int(),
  command: z.enum([...COMMAND_ROUTES, 'alert']),
  status: z.enum(['queued', 'applied', 'rejected', 'ignored']),
  result: z.string().nullable(),
  phase: z.string(),
  percentage: z.number(),
});

/**
 * Headers of every state-changing (POST) route. The key is scoped by token and route and kept
 * 24 hours: a retry with it gets the first answer (with `Idempotent-Replayed: true`) and is not
 * applied again.
 */
export const idempotencyHeadersSchema = z.object({
  'Idempotency-Key': z
    .string()
    .regex(IDEMPOTENCY_KEY_PATTERN, '1 to 255 visible ASCII characters')
    .optional()
    .describe(
      'Makes the request safe to retry: one new key (e.g. a UUID) per request. A retry with the same key and body gets the first answer and is not applied again; the same key with another body is a 422; a retry while the first is still running is a 409 (idempotency_in_progress, Retry-After). Kept 24 h per token and route.',
    ),
});
