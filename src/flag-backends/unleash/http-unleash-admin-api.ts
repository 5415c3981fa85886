import axios, { type AxiosInstance } from 'axios';
import { ExponentialBackoff, handleWhen, type IPolicy, retry } from 'cockatiel';
import { z } from 'zod';
import { redactUrl } from '../../errors/redact-url.js';
import { UnleashError } from '../../errors/unleash-error.js';
import type { UnleashUsageReader, UsageBucket } from '../fleet/unleash-usage-evidence.js';
import type {
  AdminFeature,
  AdminSegment,
  AdminStrategy,
  FeatureEnvironmentRef,
  StrategyInput,
  UnleashAdminApi,
} from './unleash-admin-api.js';
import { toUnleashError } from './unleash-error-mapping.js';

export interface HttpUnleashAdminApiOptions {
  /** Base URL of the Unleash server, e.g. https://unleash.example.org (no trailing /api). */
  url: string;
  /** An admin API token. Sent as the Authorization header, never logged. */
  token: string;
  /** Where the token was configured (e.g. `adminTokenFile: /path`), named when Unleash rejects it. */
  tokenSource: string;
  /** Per-request timeout. Default 5000 ms. */
  timeoutMs?: number;
  /** Attempts of an idempotent call, first one included. Default 4. */
  maxAttempts?: number;
  /** First and longest backoff delay between attempts. Defaults 100 ms and 2000 ms. */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

const stringParams = z
  .record(z.string(), z.unknown())
  .default({})
  .transform((params) => Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])));

const constraintSchema = z.object({
  contextName: z.string(),
  operator: z.string(),
  values: z.array(z.string()).nullish(),
  value: z.string().nullish(),
  inverted: z.boolean().nullish(),
  caseInsensitive: z.boolean().nullish(),
});

const strategySchema = z.object({
  id: z.string(),
  name: z.string(),
  title: z.string().nullish(),
  disabled: z.boolean().nullish(),
  parameters: stringParams,
  constraints: z.array(constraintSchema).default([]),
  segments: z
    .array(z.number())
    .nullish()
    .transform((ids) => ids ?? []),
});

const segmentsSchema = z.object({
  segments: z.array(z.object({ id: z.number(), name: z.string() })),
});

const featureSchema = z.object({
  name: z.string(),
  project: z.string(),
  environments: z.array(
    z.object({
      name: z.string(),
      enabled: z.boolean(),
      strategies: z.array(strategySchema).default([]),
    }),
  ),
});

/** GET /api/admin/client-metrics/features/:name/raw (Unleash 7.4): hourly sums per application. */
const usageSchema = z.object({
  data: z.array(
    z.object({
      appName: z.string(),
      environment: z.string(),
      timestamp: z.coerce.date(),
      yes: z.number(),
      no: z.number(),
    }),
  ),
});

const seg = encodeURIComponent;

/** Unleash's Admin API over HTTP (axios). Idempotent calls are retried with capped exponential backoff. */
export class HttpUnleashAdminApi implements UnleashAdminApi, UnleashUsageReader {
  readonly url: string;
  private readonly http: AxiosInstance;
  private readonly retryPolicy: IPolicy;
  private readonly tokenSource: string;

  constructor(options: HttpUnleashAdminApiOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.tokenSource = options.tokenSource;
    this.http = axios.create({
      baseURL: this.url,
      timeout: options.timeoutMs ?? 5000,
      headers: {
        Authorization: options.token,
        'Content-Type': 'application/json',
        Accept: 'application/json',
      },
      transitional: { clarifyTimeoutError: true },
    });
    this.retryPolicy = retry(
      handleWhen((error) => error instanceof UnleashError && error.retryable),
      {
        maxAttempts: (options.maxAttempts ?? 4) - 1,
        backoff: new ExponentialBackoff({
          initialDelay: options.initialDelayMs ?? 100,
          maxDelay: options.maxDelayMs ?? 2000,
        }),
      },
    );
  }

  async getFeature(project: string, feature: string): Promise<AdminFeature | undefined> {
    const what = `read flag ${feature} in project ${project}`;
    try {
      const data = await this.idempotent(what, () =>
        this.http.get<unknown>(`/api/admin/projects/${seg(project)}/features/${seg(feature)}`),
      );
      return this.parse(featureSchema, data, what);
    } catch (error) {
      // Unleash answers 404 alike for a missing flag and a missing project; createFeature tells them apart.
      if (error instanceof UnleashError && error.code === 'unleash_not_found') return undefined;
      throw error;
    }
  }

  async createFeature(project: string, feature: string): Promise<void> {
    await this.once(`create flag ${feature} in project ${project}`, () =>
      this.http.post(`/api/admin/projects/${seg(project)}/features`, {
        name: feature,
        type: 'release',
        description: 'Rolled out by rampart',
      }),
    );
  }

  async addStrategy(ref: FeatureEnvironmentRef, strategy: StrategyInput): Promise<AdminStrategy> {
    const what = `add strategy to ${describe(ref)}`;
    const data = await this.once(what, () => this.http.post<unknown>(`${strategiesPath(ref)}`, strategy));
    return this.parse(strategySchema, data, what);
  }

  async updateStrategy(
    ref: FeatureEnvironmentRef,
    strategyId: string,
    strategy: StrategyInput,
  ): Promise<AdminStrategy> {
    const what = `update strategy of ${describe(ref)}`;
    const data = await this.idempotent(what, () =>
      this.http.put<unknown>(`${strategiesPath(ref)}/${seg(strategyId)}`, strategy),
    );
    return this.parse(strategySchema, data, what);
  }

  async listSegments(): Promise<AdminSegment[]> {
    const what = 'list segments';
    const data = await this.idempotent(what, () => this.http.get<unknown>('/api/admin/segments'));
    return this.parse(segmentsSchema, data, what).segments.map(({ id, name }) => ({ id, name }));
  }

  async setEnvironmentEnabled(ref: FeatureEnvironmentRef, enabled: boolean): Promise<void> {
    const path = `/api/admin/projects/${seg(ref.project)}/features/${seg(ref.feature)}/environments/${seg(ref.environment)}/${enabled ? 'on' : 'off'}`;
    await this.idempotent(`turn ${enabled ? 'on' : 'off'} ${describe(ref)}`, () => this.http.post(path));
  }

  async checkAccess(project: string, feature: string): Promise<void> {
    try {
      await this.once(`read flag ${feature} in project ${project}`, () =>
        this.http.get<unknown>(`/api/admin/projects/${seg(project)}/features/${seg(feature)}`),
      );
    } catch (error) {
      // A flag rampart has not created yet is still an authorised read.
      if (!(error instanceof UnleashError && error.code === 'unleash_not_found')) throw error;
    }
  }

  async featureUsage(feature: string, hoursBack: number): Promise<UsageBucket[]> {
    const what = `read client metrics of flag ${feature}`;
    const data = await this.idempotent(what, () =>
      this.http.get<unknown>(`/api/admin/client-metrics/features/${seg(feature)}/raw`, {
        params: { hoursBack },
      }),
    );
    return this.parse(usageSchema, data, what).data.map(({ appName, environment, timestamp, yes, no }) => ({
      appName,
      environment,
      timestamp,
      yes,
      no,
    }));
  }

  private async once(what: string, call: () => Promise<{ data: unknown }>): Promise<unknown> {
    try {
      return (await call()).data;
    } catch (error) {
      throw toUnleashError(error, this.url, what, this.tokenSource);
    }
  }

  private idempotent(what: string, call: () => Promise<{ data: unknown }>): Promise<unknown> {
    return this.retryPolicy.execute(() => this.once(what, call));
  }

  private parse<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
    const result = schema.safeParse(data);
    if (!result.success) {
      const first = result.error.issues[0];
      const where = first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'unreadable body';
      throw new UnleashError(
        'unleash_bad_response',
        `${what}: unexpected answer from Unleash at ${redactUrl(this.url)}: ${where}`,
        redactUrl(this.url),
      );
    }
    return result.data;
  }
}

function strategiesPath(ref: FeatureEnvironmentRef): string {
  return `/api/admin/projects/${seg(ref.project)}/features/${seg(ref.feature)}/environments/${seg(ref.environment)}/strategies`;
}

function describe(ref: FeatureEnvironmentRef): string {
  return `flag ${ref.feature} (project ${ref.project}, environment ${ref.environment})`;
}
