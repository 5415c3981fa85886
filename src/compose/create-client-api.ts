import type { Router } from 'express';
import type { Registry } from 'prom-client';
import type { RuntimeConfig } from '../config/resolve-config.js';
import { clientFeatureSourceFromFlags } from '../flag-backends/client-feature-source.js';
import type { FlagChangeSignal } from '../flag-backends/flag-change-signal.js';
import { FleetTracker } from '../flag-backends/fleet/fleet-tracker.js';
import { createClientApiRouter } from '../http/routes/client-api.js';
import { ClientStreamHub } from '../http/routes/client-stream-hub.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../time/clock.js';
import type { Ticker } from '../time/ticker.js';

export interface ClientApi {
  router: Router;
  /** The SDK instances served, for fleet confirmation of rollbacks. */
  fleet: FleetTracker;
  /** Ends the open SDK streams (before the HTTP server closes). */
  close(): void;
}

/** The embedded backend's Unleash-compatible client API, when any embedded backend has client tokens. */
export function createClientApi(
  runtime: RuntimeConfig,
  store: Store,
  deps: { registry: Registry; clock: Clock; ticker: Ticker; changes: FlagChangeSignal },
): ClientApi | undefined {
  const embedded = Object.values(runtime.flagBackends).flatMap((b) => (b.type === 'embedded' ? [b] : []));
  const tokens = embedded.flatMap((b) => b.clientTokens ?? []);
  if (tokens.length === 0) return undefined;
  const source = clientFeatureSourceFromFlags(store.flags);
  const fleet = new FleetTracker({ clock: deps.clock });
  const maxStreams = embedded.reduce((sum, b) => sum + (b.maxStreams ?? 1000), 0);
  const streams = new ClientStreamHub(
    source,
    { ticker: deps.ticker, changes: deps.changes, maxConnections: maxStreams },
    deps.registry,
    fleet,
  );
  return {
    router: createClientApiRouter({ source, tokens, registry: deps.registry, streams, fleet }),
    fleet,
    close: () => streams.close(),
  };
}

/** Names of the configured embedded flag backends (the ones whose SDKs rampart serves). */
export function embeddedBackendNames(runtime: RuntimeConfig): ReadonlySet<string> {
  return new Set(
    Object.entries(runtime.flagBackends).flatMap(([name, b]) => (b.type === 'embedded' ? [name] : [])),
  );
}

/** Fleet confirmation's activity window and timeout: the longest any embedded backend configures. */
export function fleetTimings(runtime: RuntimeConfig): { activeWithinMs: number; timeoutMs: number } {
  const embedded = Object.values(runtime.flagBackends).flatMap((b) => (b.type === 'embedded' ? [b] : []));
  const max = (values: number[], fallback: number) => (values.length > 0 ? Math.max(...values) : fallback);
  return {
    activeWithinMs:
      max(
        embedded.map((b) => b.fleetActiveSeconds ?? 300),
        300,
      ) * 1000,
    timeoutMs:
      max(
        embedded.map((b) => b.fleetConfirmSeconds ?? 60),
        60,
      ) * 1000,
  };
}
