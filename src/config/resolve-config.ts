import { type Issue, ValidationError } from '../errors/validation-error.js';
import type { FlagBackendConfig as RuntimeBackendConfig } from '../flag-backends/flag-backend-config.js';
import { type ApiToken, sha256Hex } from '../http/auth.js';
import type { MetricSourceConfig as RuntimeSourceConfig } from '../metric-sources/metric-source-config.js';
import type { ResolvedNotifierConfig } from '../notify/create-notifier.js';
import type { ParseResult } from '../rollout-spec/parse-result.js';
import type { RampartConfig } from './config-schema.js';
import { configWarnings } from './config-warnings.js';
import type { Env } from './env-overrides.js';
import { resolveSecret, type SecretRef } from './resolve-secret.js';

type StoreLocation = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; password?: string };

/** rampart.yaml with every secret read and every reference turned into what the factories take. */
export interface RuntimeConfig {
  listen: RampartConfig['listen'];
  publicUrl: string;
  specsDir: string;
  flagBackends: Record<string, RuntimeBackendConfig>;
  metricSource: RuntimeSourceConfig;
  store: StoreLocation;
  apiTokens: ApiToken[];
  notifiers: Record<string, ResolvedNotifierConfig>;
  /** What is allowed but probably not meant (config-warnings.ts); logged once at start. */
  warnings?: readonly string[];
}

type Reader = (path: string) => string;

/**
 * Reads every secret the configuration names (env or file) and reports all that are missing at
 * once, each naming its field and where it was looked for, never its value.
 */
export function resolveConfig(
  config: RampartConfig,
  env: Env,
  readFile?: Reader,
): ParseResult<RuntimeConfig> {
  const issues: Issue[] = [];
  const secret = (ref: SecretRef, what: string): string | undefined => {
    const result = resolveSecret(ref, what, env, readFile);
    if (result.ok) return result.value;
    issues.push(...result.error.issues);
    return undefined;
  };

  const flagBackends: Record<string, RuntimeBackendConfig> = {};
  for (const [name, backend] of Object.entries(config.flagBackends)) {
    if (backend.type === 'unleash') {
      const { adminTokenEnv, adminTokenFile, ...rest } = backend;
      const adminToken = secret(
        { env: adminTokenEnv, file: adminTokenFile },
        `flagBackends.${name}.adminToken`,
      );
      // Errors (a rejected token) name the source actually configured, not a default variable.
      const adminTokenSource =
        adminTokenEnv !== undefined ? `adminTokenEnv: ${adminTokenEnv}` : `adminTokenFile: ${adminTokenFile}`;
      flagBackends[name] = { ...rest, adminToken: adminToken ?? '', adminTokenSource };
    } else {
      const { clientTokensEnv, clientTokensFile, ...rest } = backend;
      const named = clientTokensEnv !== undefined || clientTokensFile !== undefined;
      const list = named
        ? secret({ env: clientTokensEnv, file: clientTokensFile }, `flagBackends.${name}.clientTokens`)
        : undefined;
      const clientTokens =
        list
          ?.split(',')
          .map((t) => t.trim())
          .filter(Boolean) ?? [];
      flagBackends[name] = { ...rest, clientTokens };
    }
  }

  let metricSource: RuntimeSourceConfig;
  const source = config.metricSource;
  if (source.type === 'prometheus' && source.auth) {
    const { auth, ...rest } = source;
    const what = 'metricSource.auth';
    metricSource =
      auth.type === 'bearer'
        ? {
            ...rest,
            auth: { type: 'bearer', token: secret({ env: auth.tokenEnv, file: auth.tokenFile }, what) ?? '' },
          }
        : {
            ...rest,
            auth: {
              type: 'basic',
              username: auth.username,
              password: secret({ env: auth.passwordEnv, file: auth.passwordFile }, what) ?? '',
            },
          };
  } else if (source.type === 'prometheus') {
    const { auth: _none, ...rest } = source;
    metricSource = rest;
  } else {
    metricSource = source;
  }

  let store: StoreLocation;
  const { url, passwordEnv, passwordFile } = config.store;
  if (url.startsWith('sqlite:')) store = { kind: 'sqlite', path: url.slice('sqlite:'.length) };
  else {
    const named = passwordEnv !== undefined || passwordFile !== undefined;
    const password = named ? secret({ env: passwordEnv, file: passwordFile }, 'store.password') : undefined;
    store = password === undefined ? { kind: 'postgres', url } : { kind: 'postgres', url, password };
  }

  // Kept only until the warnings have looked at their lengths: the runtime holds hashes.
  const plainTokens: (string | undefined)[] = [];
  const apiTokens: ApiToken[] = config.apiTokens.map((t, i) => {
    if (t.sha256 !== undefined) return { name: t.name, role: t.role, sha256: t.sha256 };
    const token = secret({ env: t.tokenEnv, file: t.tokenFile }, `apiTokens[${i}] (${t.name})`);
    plainTokens[i] = token;
    return { name: t.name, role: t.role, sha256: sha256Hex(token ?? '') };
  });

  const notifiers: Record<string, ResolvedNotifierConfig> = {};
  for (const [name, n] of Object.entries(config.notifiers)) {
    notifiers[name] =
      n.type === 'noop'
        ? { type: 'noop' }
        : {
            type: 'slack-webhook',
            url: secret({ env: n.urlEnv, file: n.urlFile }, `notifiers.${name}.url`) ?? '',
          };
  }

  if (issues.length > 0) return { ok: false, error: new ValidationError(issues) };
  return {
    ok: true,
    value: {
      listen: config.listen,
      publicUrl: config.publicUrl ?? `http://${config.listen.host}:${config.listen.port}`,
      specsDir: config.specsDir,
      flagBackends,
      metricSource,
      store,
      apiTokens,
      notifiers,
      warnings: configWarnings(config, (i) => plainTokens[i]),
    },
  };
}
