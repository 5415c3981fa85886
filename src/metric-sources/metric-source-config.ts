import { z } from 'zod';
import { durationSchema } from '../rollout-spec/rollout-spec-schema.js';

export const METRIC_SOURCE_TYPES = ['prometheus', 'scrape'] as const;
export type MetricSourceType = (typeof METRIC_SOURCE_TYPES)[number];

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/** Credentials sent to Prometheus; never logged, never echoed in error messages. */
const authSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('bearer'), token: z.string().min(1) }),
  z.strictObject({ type: z.literal('basic'), username: z.string().min(1), password: z.string() }),
]);

export const prometheusSourceConfigSchema = z.strictObject({
  type: z.literal('prometheus'),
  /** Base URL of anything that speaks the Prometheus query API (Prometheus, Thanos, Mimir, VictoriaMetrics). */
  url: httpUrl,
  /** Put before `/api/v1/...`, e.g. `/prometheus` for Mimir. */
  pathPrefix: z
    .string()
    .regex(/^(\/[^/?#]+)*$/, 'must be empty or a path like /prometheus (no trailing slash)')
    .default(''),
  auth: authSchema.optional(),
  /** Per query attempt. */
  timeout: durationSchema.prefault('10s'),
  /** Extra attempts after a 5xx or a dropped connection; 4xx and timeouts are not retried. */
  retries: z.number().int().min(0).max(10).default(2),
  /** Queries in flight at once, shared by every rollout of this controller. */
  concurrency: z.number().int().min(1).max(1024).default(16),
  /** Queries allowed to wait for a slot; beyond that a query fails fast with an overload error. */
  queue: z.number().int().min(0).default(10_000),
  /** Structured queries of one instant sent as one request (`... or ...`); 1 turns batching off. */
  batchSize: z.number().int().min(1).max(50).default(10),
});

export const scrapeTargetSchema = z.strictObject({
  /** Shown on the status page; defaults to the URL's host:port. */
  name: z.string().min(1).optional(),
  url: httpUrl,
  /** Added to every series of this target, like Prometheus `static_configs` labels. */
  labels: z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), z.string()).default({}),
});

export const scrapeSourceConfigSchema = z.strictObject({
  type: z.literal('scrape'),
  // None is allowed (rampart then sees no data and holds every rollout), so a bare `rampart run` starts.
  targets: z.array(scrapeTargetSchema).default([]),
  interval: durationSchema.prefault('5s'),
  timeout: durationSchema.prefault('3s'),
  /** How long samples are kept; must cover the longest step bake plus the longest guardrail window. */
  retention: durationSchema.prefault('2h'),
});

/** `metricSource:` in rampart.yaml. */
export const metricSourceConfigSchema = z.discriminatedUnion('type', [
  prometheusSourceConfigSchema,
  scrapeSourceConfigSchema,
]);

export type MetricSourceConfig = z.output<typeof metricSourceConfigSchema>;
export type PrometheusSourceConfig = z.output<typeof prometheusSourceConfigSchema>;
export type ScrapeTargetConfig = z.output<typeof scrapeTargetSchema>;
