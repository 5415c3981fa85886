import { z } from 'zod';
import { DURATION_HELP, parseDuration } from './duration.js';
import { constraintSchema } from './flag-scope.js';
import { SPEC_LIMITS as L } from './spec-limits.js';

/** A duration string in the spec; parsed to milliseconds. */
export const durationSchema = z.string({ error: DURATION_HELP }).transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not ${DURATION_HELP}` });
    return z.NEVER;
  }
  return ms;
});

const START_HELP =
  'manual, auto or an ISO 8601 time with an offset such as 2026-12-01T09:00:00+01:00 or 2026-12-01T08:00:00Z';
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** When a loaded rollout starts: a person's `rampart start` (manual), at once (auto), or at a time. */
export type StartPolicy = { mode: 'manual' } | { mode: 'auto' } | { mode: 'at'; at: string };

/**
 * `start`: a time needs its offset, because a bare local time would start at a different instant
 * on each replica's time zone.
 */
const startSchema = z.string({ error: START_HELP }).transform((text, ctx): StartPolicy => {
  if (text === 'manual' || text === 'auto') return { mode: text };
  if (ISO_WITH_OFFSET.test(text) && !Number.isNaN(Date.parse(text))) return { mode: 'at', at: text };
  ctx.addIssue({ code: 'custom', message: `"${text}" is not allowed; start is ${START_HELP}` });
  return z.NEVER;
});

const labelName = z
  .string()
  .max(L.metricName)
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)');
const metricName = z
  .string()
  .max(L.metricName)
  .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)');
/** Label equality matchers added to a metric selector, e.g. `{ result: success }`. */
export const labelMatchersSchema = z
  .record(labelName, z.string().max(L.labelValue))
  .refine(
    (r) => Object.keys(r).length <= L.matchers,
    `has too many label matchers; at most ${L.matchers} allowed`,
  );
/** A name or identifier written in the spec (backend, project, environment, notifier...). */
const shortName = z.string().min(1).max(L.name);

const compare = z.strictObject({
  metric: metricName,
  good: labelMatchersSchema,
  matchers: labelMatchersSchema.default({}),
  maxDrop: z.number().gt(0).lt(1),
});

const rate = z.strictObject({
  events: metricName,
  per: metricName,
  matchers: labelMatchersSchema.default({}),
  maxRatio: z.number().gt(1),
});

const thresholdRatio = z.strictObject({
  metric: metricName,
  good: labelMatchersSchema,
  matchers: labelMatchersSchema.default({}),
});

const thresholdScalar = z.strictObject({
  metric: metricName,
  matchers: labelMatchersSchema.default({}),
  /** increase: count over the window; rate: per second over the window; last: gauge value. */
  fn: z.enum(['increase', 'rate', 'last']).default('increase'),
});

const threshold = z.strictObject({
  ratio: thresholdRatio.optional(),
  scalar: thresholdScalar.optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  window: durationSchema.prefault('5m'),
  /** Below this many events in the window the verdict is inconclusive. */
  minEvents: z.number().int().min(0).default(50),
});

const zero = z.strictObject({
  metric: metricName,
  matchers: labelMatchersSchema.default({}),
});

const srm = z.strictObject({
  metric: metricName,
  matchers: labelMatchersSchema.default({}),
  pValue: z.number().gt(0).lt(0.5).default(0.001),
  minPerArm: z.number().int().min(1).default(8),
  /**
   * `e-value`: the exact anytime-valid test for DISTINCT users (flag_exposed_users_total), valid for
   * any population size and with no minimum count; `chi-square`: the sequential chi-square of v1
   * specs, for per-session exposures, with minPerArm expected per arm.
   */
  method: z.enum(['chi-square', 'e-value']).default('chi-square'),
  /**
   * Counting starts this long after the step started: until then traffic served at the previous
   * percentage (one scrape interval, the SDKs' refresh) is still in the window and the test is
   * inconclusive.
   */
  settle: durationSchema.prefault('1m'),
});

/**
 * Users with a bad outcome per exposed user, treatment against control, judged by exact
 * anytime-valid e-processes on distinct users (analysis/user-eprocess.ts, docs/statistics.md).
 */
const users = z.strictObject({
  /** Counter of distinct users with the bad outcome per step (e.g. login_users_total). */
  bad: metricName,
  /** Label matchers of the bad outcome, e.g. `{ result: failure }`. */
  matchers: labelMatchersSchema.default({}),
  /** Counter of distinct exposed users per step: the at-risk pool. */
  exposed: metricName.default('flag_exposed_users_total'),
  /** The relative margin rho: the per-user rate may rise at most this many times. */
  maxRatio: z.number().gt(1).max(100),
  /**
   * Where a step waits until "ratio >= maxRatio" is rejected: every step below 100 % (each-step),
   * only the step before control disappears (before-full), or never (off: harm detection only).
   */
  proveSafe: z.enum(['each-step', 'before-full', 'off']).default('each-step'),
  /** Expected share of control users with the bad outcome per step (for `rampart plan`). */
  baseline: z.number().gt(0).lt(1).optional(),
});

/** Raw PromQL (prometheus source only): `$window` and `$rollout` are substituted; must yield one scalar. */
const promql = z.strictObject({
  query: z.string().min(1).max(L.promql),
  min: z.number().optional(),
  max: z.number().optional(),
  window: durationSchema.prefault('5m'),
});

const base = {
  name: z
    .string()
    .max(63)
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'must match [a-z0-9][a-z0-9-]*'),
};

export const GUARDRAIL_KINDS = ['compare', 'rate', 'threshold', 'zero', 'srm', 'promql', 'users'] as const;
export type GuardrailKind = (typeof GUARDRAIL_KINDS)[number];

/** A guardrail is written `{ name, <kind>: {...} }`; parsing adds a `kind` discriminant. */
export const guardrailSchema = z.union([
  z.strictObject({ ...base, compare }).transform((g) => ({ kind: 'compare' as const, ...g })),
  z.strictObject({ ...base, rate }).transform((g) => ({ kind: 'rate' as const, ...g })),
  z.strictObject({ ...base, threshold }).transform((g) => ({ kind: 'threshold' as const, ...g })),
  z.strictObject({ ...base, zero }).transform((g) => ({ kind: 'zero' as const, ...g })),
  z.strictObject({ ...base, srm }).transform((g) => ({ kind: 'srm' as const, ...g })),
  z.strictObject({ ...base, promql }).transform((g) => ({ kind: 'promql' as const, ...g })),
  z.strictObject({ ...base, users }).transform((g) => ({ kind: 'users' as const, ...g })),
]);

export const flagRefSchema = z.strictObject({
  /** Name of a flag backend configured in rampart.yaml (e.g. `unleash`, `embedded`). */
  backend: shortName,
  name: z
    .string()
    .max(L.name)
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]*$/, 'must be an Unleash feature name ([a-zA-Z0-9][a-zA-Z0-9._-]*)'),
  project: shortName.default('default'),
  environment: shortName.default('production'),
  /** Context field the hash uses; a user without it gets the flag off (fail closed). */
  stickiness: shortName.default('userId'),
  /** Hash group; defaults to the flag name, as in Unleash. */
  groupId: shortName.optional(),
  /**
   * Who the flag may reach at all (AND): Unleash constraints on rampart's strategy. Optional (not
   * defaulted) so FlagRefs built in code need not spell out an empty scope.
   */
  constraints: z.array(constraintSchema).max(L.matchers).optional(),
  /** Unleash segment names added to rampart's strategy (unleash backend only). */
  segments: z.array(shortName).max(L.matchers).optional(),
});

export const rolloutSpecSchema = z.strictObject({
  apiVersion: z.literal('rampart/v1'),
  kind: z.literal('Rollout'),
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must match [a-z0-9][a-z0-9-]{0,62}'),
  description: z.string().max(L.description).optional(),
  flag: flagRefSchema,
  steps: z.array(z.number()).min(1).max(L.steps),
  /**
   * In-scope users the flag can reach (e.g. 300 staff), when known: `plan` and `validate` say which
   * steps are too small for the `users` guardrails to show anything.
   */
  population: z.number().int().min(1).optional(),
  /**
   * The longest a canary step (one too small to show the `users` rate below its margin) waits to
   * see its population before it advances on the harm tests alone (docs/statistics.md).
   */
  canaryMaxWait: durationSchema.prefault('4h'),
  bake: durationSchema.prefault('15m'),
  minSamples: z.number().int().min(0).default(200),
  tick: durationSchema.prefault('10s'),
  alpha: z.number().default(0.01),
  /** The label that tells treatment from control, and its two values. */
  variant: z
    .strictObject({
      label: labelName.default('variant'),
      treatment: shortName.default('treatment'),
      control: shortName.default('control'),
    })
    .default({ label: 'variant', treatment: 'treatment', control: 'control' }),
  /** Extra label matchers added to every structured guardrail query (e.g. `{ app: login }`). */
  matchers: labelMatchersSchema.default({}),
  windows: z
    .strictObject({
      allow: z.string().max(L.cron).optional(),
      deny: z.array(z.string().max(L.cron)).max(L.denyWindows).default([]),
      timezone: z.string().max(L.name).default('UTC'),
    })
    .optional(),
  approvals: z.strictObject({ above: z.number().int() }).optional(),
  onNoData: z.enum(['hold', 'rollback']).default('hold'),
  noDataTimeout: durationSchema.prefault('10m'),
  rollback: z.enum(['disable', 'zero']).default('disable'),
  start: startSchema.prefault('manual'),
  /** Time at the last step (100 %) before the rollout completes; the alert and no-control guardrails still roll back. */
  soak: durationSchema.prefault('1h'),
  /** What a matching alert does once the rollout completed: audit and notify (default), or roll back. */
  afterCompletion: z
    .strictObject({ alerts: z.enum(['notify', 'rollback']).default('notify') })
    .default({ alerts: 'notify' }),
  guardrails: z.array(guardrailSchema).min(1).max(L.guardrails),
  alerts: z.strictObject({ match: labelMatchersSchema }).optional(),
  notify: z.array(shortName).max(L.notify).default([]),
});

export type RolloutSpec = z.output<typeof rolloutSpecSchema>;
export type RolloutSpecInput = z.input<typeof rolloutSpecSchema>;
export type Guardrail = z.output<typeof guardrailSchema>;
export type FlagRef = z.output<typeof flagRefSchema>;
export type LabelMatchers = z.output<typeof labelMatchersSchema>;
export type VariantLabels = RolloutSpec['variant'];
export type GuardrailOf<K extends GuardrailKind> = Extract<Guardrail, { kind: K }>;
