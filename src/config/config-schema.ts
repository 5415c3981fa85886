import { z } from 'zod';
import {
  embeddedBackendConfigSchema as embeddedRuntimeSchema,
  unleashBackendConfigSchema as unleashRuntimeSchema,
} from '../flag-backends/flag-backend-config.js';
import {
  prometheusSourceConfigSchema as prometheusRuntimeSchema,
  scrapeSourceConfigSchema as scrapeRuntimeSchema,
} from '../metric-sources/metric-source-config.js';
import { CONFIG_LIMITS } from './config-limits.js';

/*
 * The controller configuration, rampart.yaml. Secrets are never written inline: each one is
 * named by an environment variable (`...Env`) or a file (`...File`, e.g. a mounted secret).
 */

const envName = z
  .string()
  .max(CONFIG_LIMITS.text)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)');
const filePath = z.string().min(1).max(CONFIG_LIMITS.path);
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(CONFIG_LIMITS.text);
const entryName = z
  .string()
  .max(100)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'must match [a-z0-9][a-z0-9-]*');
const text = z.string().min(1).max(CONFIG_LIMITS.text);

/** A record of at most `max` entries (zod records have no size bound of their own). */
function boundedRecord<V extends z.ZodType>(value: V, max: number, what: string) {
  return z
    .record(entryName, value)
    .refine((r) => Object.keys(r).length <= max, `has too many ${what}; at most ${max} allowed`);
}

/*
 * Each plug point owns its runtime configuration schema (src/flag-backends/flag-backend-config.ts,
 * src/metric-sources/metric-source-config.ts). The file form below is derived from it: the same
 * fields, with every secret replaced by an `...Env` / `...File` reference, resolved by resolve-config.ts.
 */

const unleashBackendSchema = unleashRuntimeSchema.omit({ adminToken: true, adminTokenSource: true }).extend({
  url: httpUrl,
  adminTokenEnv: envName.optional(),
  adminTokenFile: filePath.optional(),
});

const embeddedBackendSchema = embeddedRuntimeSchema.omit({ clientTokens: true }).extend({
  /** Tokens unleash-client SDKs present to the client API, comma-separated. */
  clientTokensEnv: envName.optional(),
  clientTokensFile: filePath.optional(),
});

const flagBackendConfigSchema = z.discriminatedUnion('type', [unleashBackendSchema, embeddedBackendSchema]);

const bearerAuth = z.strictObject({
  type: z.literal('bearer'),
  tokenEnv: envName.optional(),
  tokenFile: filePath.optional(),
});
const basicAuth = z.strictObject({
  type: z.literal('basic'),
  username: text,
  passwordEnv: envName.optional(),
  passwordFile: filePath.optional(),
});

const prometheusSourceSchema = prometheusRuntimeSchema.omit({ auth: true }).extend({
  url: httpUrl,
  auth: z.discriminatedUnion('type', [bearerAuth, basicAuth]).optional(),
});

const scrapeSourceSchema = scrapeRuntimeSchema;

const metricSourceConfigSchema = z.discriminatedUnion('type', [prometheusSourceSchema, scrapeSourceSchema]);

const storeConfigSchema = z.strictObject({
  /** `sqlite:PATH` or `postgres://user@host:port/db` (password from passwordEnv/passwordFile). */
  url: z.string().min(1).max(CONFIG_LIMITS.path).default('sqlite:./data/rampart.db'),
  passwordEnv: envName.optional(),
  passwordFile: filePath.optional(),
});

const API_ROLES = ['viewer', 'operator', 'admin', 'alertmanager'] as const;

const apiTokenConfigSchema = z.strictObject({
  name: entryName,
  role: z.enum(API_ROLES),
  /** Hex SHA-256 of the token; the token itself is never stored. */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (sha256sum of the token)')
    .optional(),
  tokenEnv: envName.optional(),
  tokenFile: filePath.optional(),
});

const notifierConfigSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('slack-webhook'),
    urlEnv: envName.optional(),
    urlFile: filePath.optional(),
  }),
  z.strictObject({ type: z.literal('noop') }),
]);

const DEFAULT_LISTEN = { host: '127.0.0.1', port: 8080 } as const;

/** A proxy whose X-Forwarded-For/-Proto rampart believes: one address or a CIDR range. */
const ipOrCidr = z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()]);
const trustedProxy = z.string().refine((value) => ipOrCidr.safeParse(value).success, {
  error: 'must be an IP address or a CIDR range, e.g. 127.0.0.1, ::1 or 10.0.0.0/8',
});

export const configSchema = z.strictObject({
  apiVersion: z.literal('rampart/v1'),
  kind: z.literal('Config'),
  listen: z
    .strictObject({
      host: text.default(DEFAULT_LISTEN.host),
      port: z.number().int().min(0).max(65_535).default(DEFAULT_LISTEN.port),
      /** Reverse proxies in front of rampart; none by default, so forwarded headers are ignored. */
      trustedProxies: z.array(trustedProxy).max(100).default([]),
    })
    .prefault({}),
  /** Where people reach rampart (links in notifications); defaults to http://host:port. */
  publicUrl: httpUrl.optional(),
  /** Folder of rollout specs, read recursively. */
  specsDir: filePath.default('flags/'),
  flagBackends: boundedRecord(flagBackendConfigSchema, CONFIG_LIMITS.flagBackends, 'flag backends').default({
    embedded: { type: 'embedded' },
  }),
  metricSource: metricSourceConfigSchema.prefault({ type: 'scrape' }),
  store: storeConfigSchema.prefault({}),
  apiTokens: z.array(apiTokenConfigSchema).max(CONFIG_LIMITS.apiTokens).default([]),
  notifiers: boundedRecord(notifierConfigSchema, CONFIG_LIMITS.notifiers, 'notifiers').default({}),
});

export type RampartConfig = z.output<typeof configSchema>;
