import { z } from 'zod';
import { durationSchema } from '../rollout-spec/rollout-spec-schema.js';

const probability = z.number().min(0).max(1);
const labelValues = z.record(z.string(), z.string());

const faultBase = {
  at: durationSchema,
  until: durationSchema.optional(),
  arm: z.enum(['treatment', 'control', 'all']),
};

/** Fault effects: each fault entry names exactly one. */
export const FAULT_EFFECTS = [
  'loginSuccess',
  'loginSuccessDrop',
  'logoutLoop',
  'enrollmentMismatch',
  'serverErrors',
  'metricsOutage',
  'backendOutage',
] as const;

export const faultSchema = z.union([
  z
    .strictObject({ ...faultBase, loginSuccess: probability })
    .transform((f) => ({ effect: 'loginSuccess' as const, ...f })),
  z
    .strictObject({ ...faultBase, loginSuccessDrop: probability })
    .transform((f) => ({ effect: 'loginSuccessDrop' as const, ...f })),
  z
    .strictObject({ ...faultBase, logoutLoop: z.strictObject({ factor: z.number().gt(0) }) })
    .transform((f) => ({ effect: 'logoutLoop' as const, ...f })),
  z
    .strictObject({ ...faultBase, enrollmentMismatch: probability })
    .transform((f) => ({ effect: 'enrollmentMismatch' as const, ...f })),
  z
    .strictObject({ ...faultBase, serverErrors: probability })
    .transform((f) => ({ effect: 'serverErrors' as const, ...f })),
  z
    .strictObject({ ...faultBase, metricsOutage: z.literal(true) })
    .transform((f) => ({ effect: 'metricsOutage' as const, ...f })),
  z
    .strictObject({ ...faultBase, backendOutage: z.literal(true) })
    .transform((f) => ({ effect: 'backendOutage' as const, ...f })),
]);

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day HH:MM (UTC)');

export const scenarioSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9-]+$/, 'must match [a-z0-9-]+'),
  seed: z.number().int().min(0).max(4_294_967_295).default(1),
  rollout: z.string().min(1).optional(),
  spec: z.record(z.string(), z.unknown()).optional(),
  overrides: z.record(z.string(), z.unknown()).optional(),
  duration: durationSchema,
  tick: durationSchema.optional(),
  scrapeInterval: durationSchema.prefault('15s'),
  flagPropagation: durationSchema.prefault('0s'),
  startAt: z.iso.datetime({ offset: true }),
  traffic: z.strictObject({
    users: z.number().int().min(1).max(10_000_000),
    loginsPerMinute: z.number().gt(0),
    /**
     * Unleash context fields every simulated user carries besides userId; the rollout's scope
     * constraints are evaluated on it. Default: a context that satisfies the scope.
     */
    context: z.record(z.string().min(1), z.string()).optional(),
    diurnal: z.strictObject({ amplitude: z.number().min(0).max(1), peakAt: timeOfDay }).optional(),
    bursts: z
      .array(z.strictObject({ at: durationSchema, for: durationSchema, factor: z.number().gt(0) }))
      .default([]),
  }),
  baseline: z.strictObject({
    loginSuccess: probability,
    mfaSuccess: probability.default(1),
    retryOnFailure: probability.default(0),
    logoutsPerLogin: z.number().min(0).default(0),
    enrollmentsPerLogin: probability.default(0),
  }),
  faults: z.array(faultSchema).default([]),
  /** The simulated release manager: starts the rollout at `startAfter` (default 0s), approves after `approveAfter`. */
  operator: z
    .strictObject({ approveAfter: durationSchema.optional(), startAfter: durationSchema.optional() })
    .optional(),
  alerts: z.array(z.strictObject({ at: durationSchema, labels: labelValues })).default([]),
  expect: z.enum(['rolled_back', 'completed', 'paused']),
});

export type ScenarioFile = z.output<typeof scenarioSchema>;
export type Fault = z.output<typeof faultSchema>;
