import { z } from 'zod';

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
