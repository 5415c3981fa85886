import { ValidationError } from '../errors/validation-error.js';
import type { FlagRepository } from '../store/store.js';
import type { Clock } from '../time/clock.js';
import { EmbeddedFlagBackend } from './embedded/embedded-flag-backend.js';
import type { FlagBackend } from './flag-backend.js';
import { FLAG_BACKEND_TYPES, type FlagBackendConfig } from './flag-backend-config.js';
import { HttpUnleashAdminApi } from './unleash/http-unleash-admin-api.js';
import { UnleashFlagBackend } from './unleash/unleash-flag-backend.js';

export interface FlagBackendDeps {
  clock: Clock;
  /** The store's flags; needed by `embedded` only. */
  flags?: FlagRepository;
  /** Environment variables for secrets not written in rampart.yaml. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Builds the flag backend a config entry names. `source` names the config entry in messages. */
export function createFlagBackend(
  config: FlagBackendConfig,
  deps: FlagBackendDeps,
  source = 'rampart.yaml',
): FlagBackend {
  const type = config.type;
  switch (type) {
    case 'unleash':
      return new UnleashFlagBackend(unleashAdminApi(config, deps, source));
    case 'embedded': {
      if (!deps.flags) throw new Error('embedded flag backend needs the store (deps.flags)');
      return new EmbeddedFlagBackend(deps.flags, deps.clock);
    }
    default: {
      const unknown: never = type;
      throw new ValidationError([
        {
          source,
          path: 'type',
          message: `unknown flag backend type "${String(unknown)}": valid types are ${FLAG_BACKEND_TYPES.join(', ')}`,
        },
      ]);
    }
  }
}

/** The admin API client of an unleash backend entry (token from the entry or UNLEASH_ADMIN_TOKEN). */
export function unleashAdminApi(
  config: Extract<FlagBackendConfig, { type: 'unleash' }>,
  deps: Pick<FlagBackendDeps, 'env'>,
  source = 'rampart.yaml',
): HttpUnleashAdminApi {
  const token = config.adminToken ?? deps.env?.UNLEASH_ADMIN_TOKEN;
  if (!token) {
    throw new ValidationError([
      {
        source,
        path: 'adminToken',
        message: 'no Unleash admin token: set UNLEASH_ADMIN_TOKEN or adminToken',
      },
    ]);
  }
  const tokenSource =
    config.adminTokenSource ?? (config.adminToken ? `${source}.adminToken` : 'UNLEASH_ADMIN_TOKEN');
  return new HttpUnleashAdminApi({
    url: config.url,
    token,
    tokenSource,
    timeoutMs: config.timeout,
    maxAttempts: config.maxAttempts,
  });
}
