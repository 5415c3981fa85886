import { z } from 'zod';
import { durationSchema } from '../rollout-spec/rollout-spec-schema.js';

export const FLAG_BACKEND_TYPES = ['unleash', 'embedded'] as const;

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const unleashBackendConfigSchema = z.strictObject({
  type: z.literal('unleash'),
  /** Base URL of the Unleash server (without /api). */
  url: httpUrl,
  /** Admin API token; when absent, UNLEASH_ADMIN_TOKEN from the environment. Never logged. */
  adminToken: z.string().min(1).optional(),
  /**
   * Where the admin token was configured, named in errors (e.g. `adminTokenFile: /run/secrets/unleash`);
   * never the token. Set by the config resolver; when absent, `adminToken` or UNLEASH_ADMIN_TOKEN.
   */
  adminTokenSource: z.string().min(1).optional(),
  /** Per request attempt. */
  timeout: durationSchema.prefault('5s'),
  /** Attempts of an idempotent call (reads, strategy updates, on/off), the first included. */
  maxAttempts: z.number().int().min(1).max(10).default(4),
});

export const embeddedBackendConfigSchema = z.strictObject({
  type: z.literal('embedded'),
  /** Tokens unleash-client SDKs present to rampart's client API; when absent, RAMPART_CLIENT_TOKENS (comma-separated). */
  clientTokens: z.array(z.string().min(1)).optional(),
  /** Open SDK streams (/api/client/streaming) allowed; beyond it SDKs get 429 and poll (default 1000). */
  maxStreams: z.number().int().min(0).max(100_000).optional(),
  /** Fleet confirmation counts the SDK instances seen within this many seconds (default 300). */
  fleetActiveSeconds: z.number().int().min(1).max(86_400).optional(),
  /** How long after a rollback rampart waits for every instance before naming the stragglers (default 60). */
  fleetConfirmSeconds: z.number().int().min(1).max(3600).optional(),
});

/** One entry of `flagBackends:` in rampart.yaml. */
export const flagBackendConfigSchema = z.discriminatedUnion('type', [
  unleashBackendConfigSchema,
  embeddedBackendConfigSchema,
]);

export type FlagBackendConfig = z.output<typeof flagBackendConfigSchema>;
