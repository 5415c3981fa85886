import type { Router } from 'express';
import type { Registry } from 'prom-client';
import type { RuntimeConfig } from '../config/resolve-config.js';
import { clientFeatureSourceFromFlags } from '../flag-backends/client-feature-source.js';
import { createClientApiRouter } from '../http/routes/client-api.js';
import type { Store } from '../store/store.js';

/** The embedded backend's Unleash-compatible client API, when any embedded backend has client tokens. */
export function createClientApi(
  runtime: RuntimeConfig,
  store: Store,
  registry: Registry,
): Router | undefined {
  const tokens = Object.values(runtime.flagBackends).flatMap((b) =>
    b.type === 'embedded' ? (b.clientTokens ?? []) : [],
  );
  if (tokens.length === 0) return undefined;
  return createClientApiRouter({ source: clientFeatureSourceFromFlags(store.flags), tokens, registry });
}
