import { z } from 'zod';
import { durationSchema } from '../rollout-spec/rollout-spec-schema.js';

const probability = z.number().min(0).max(1);
const labelValues = z.record(z.string(), z.string());

const faultBase = {
  at: durationSchema,
  until: durationSchema.optional(),
  arm: z.enum(['treatment', 'control', 'all', 'outOfScope']),
  /** Only this segment's users feel the fault (a name from traffic.segments). */
  segment: z.string().optional(),
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

/** Behaviour fields a segment or a schedule entry may override (each optional there). */
const behaviour = {
  loginSuccess: probability,
  mfaSuccess: probability,
  mfaFirstChallengeSuccess: probability,
  retryOnFailure: probability,
  logoutsPerLogin: z.number().min(0),
  enrollmentsPerLogin: probability,
};
const behaviourOverrides = {
  loginSuccess: behaviour.loginSuccess.optional(),
  mfaSuccess: behaviour.mfaSuccess.optional(),
  mfaFirstChallengeSuccess: behaviour.mfaFirstChallengeSuccess.optional(),
  retryOnFailure: behaviour.retryOnFailure.optional(),
  logoutsPerLogin: behaviour.logoutsPerLogin.optional(),
  enrollmentsPerLogin: behaviour.enrollmentsPerLogin.optional(),
};

const contextSchema = z.record(z.string().min(1), z.string());

const segmentSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9-]+$/, 'must match [a-z0-9-]+'),
  share: z.number().gt(0).max(1),
  /** Login weight of the segment's users relative to the others. */
  activity: z.number().gt(0).default(1),
  context: contextSchema.optional(),
  inScope: z.boolean().default(true),
  ...behaviourOverrides,
});

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
    context: contextSchema.optional(),
    /** Heavy users: user of rank k (a seeded permutation, not the flag's hash) logs in with weight 1/k^s. */
    activity: z.strictObject({ zipf: z.number().min(0).max(5) }).optional(),
    segments: z.array(segmentSchema).max(50).default([]),
    diurnal: z.strictObject({ amplitude: z.number().min(0).max(1), peakAt: timeOfDay }).optional(),
    bursts: z
      .array(z.strictObject({ at: durationSchema, for: durationSchema, factor: z.number().gt(0) }))
      .default([]),
  }),
  baseline: z.strictObject({
    loginSuccess: behaviour.loginSuccess,
    mfaSuccess: behaviour.mfaSuccess.default(1),
    /** A user's first MFA challenge after the flag turned on for them; default mfaSuccess. */
    mfaFirstChallengeSuccess: behaviour.mfaFirstChallengeSuccess.optional(),
    retryOnFailure: behaviour.retryOnFailure.default(0),
    logoutsPerLogin: behaviour.logoutsPerLogin.default(0),
    enrollmentsPerLogin: behaviour.enrollmentsPerLogin.default(0),
    /** Healthy drift for everyone: each entry's fields apply from `at` on. */
    schedule: z.array(z.strictObject({ at: durationSchema, ...behaviourOverrides })).default([]),
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
export type Segment = z.output<typeof segmentSchema>;
