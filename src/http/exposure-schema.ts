import { z } from 'zod';
import type { ExposureUser } from '../exposure/user-exposure.js';

/** How much one exposure request may ask: the CLI sends a longer accounts file in batches. */
export const EXPOSURE_LIMITS = { users: 2000, fields: 32, chars: 256 } as const;

const scalar = z.union([z.string().max(EXPOSURE_LIMITS.chars), z.number(), z.boolean()]);
const fieldName = z.string().min(1).max(100);

/**
 * One account: its id alone, or an Unleash context as JSON (`userId`, other fields top-level or
 * under `properties`). `currentTime` is refused: the window's own times are evaluated.
 */
export const exposureUserSchema = z
  .union([
    z.string().trim().min(1).max(EXPOSURE_LIMITS.chars),
    z.record(fieldName, z.union([scalar, z.record(fieldName, scalar)])),
  ])
  .transform((raw, ctx): ExposureUser => {
    if (typeof raw === 'string') return { userId: raw, fields: {} };
    const { userId, properties, ...top } = raw;
    const fail = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    if (typeof userId !== 'string' || userId.trim() === '' || userId.length > EXPOSURE_LIMITS.chars)
      return fail(`userId must be a non-empty string of at most ${EXPOSURE_LIMITS.chars} characters`);
    if (properties !== undefined && typeof properties !== 'object')
      return fail('properties must be an object of context fields');
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...properties, ...top })) {
      if (typeof v === 'object') return fail(`context field ${k} must be a string, number or boolean`);
      fields[k] = String(v);
    }
    if ('currentTime' in fields)
      return fail('currentTime is not an account field: the window gives the times');
    if (Object.keys(fields).length > EXPOSURE_LIMITS.fields)
      return fail(`at most ${EXPOSURE_LIMITS.fields} context fields per account`);
    return { userId, fields };
  });

const isoTime = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

/** Body of POST /api/rollouts/:name/exposure. */
export const exposureBodySchema = z
  .strictObject({
    from: isoTime,
    to: isoTime,
    /** The accounts to decide; absent: only the estimate from the percentage timeline. */
    users: z.array(exposureUserSchema).max(EXPOSURE_LIMITS.users).optional(),
    /** In-scope accounts, for the estimate. */
    population: z.number().int().min(0).max(1e12).optional(),
  })
  .refine((b) => !(b.from instanceof Date && b.to instanceof Date) || b.from <= b.to, {
    message: 'from must not be after to',
    path: ['to'],
  });
