import type { RuntimeConfig } from '../config/resolve-config.js';
import { createFlagBackend, unleashAdminApi } from '../flag-backends/create-flag-backend.js';
import type { FlagBackend } from '../flag-backends/flag-backend.js';
import { type FlagChangeSignal, signalFlagWrites } from '../flag-backends/flag-change-signal.js';
import type { UnleashUsageReader } from '../flag-backends/fleet/unleash-usage-evidence.js';
import { LeaderGatedFlagBackend } from '../leader/leader-gated-flag-backend.js';
import type { Leadership } from '../leader/leadership.js';
import type { FlagRef } from '../rollout-spec/rollout-spec-schema.js';
import type { Store } from '../store/store.js';
import { InstrumentedFlagBackend } from '../telemetry/instrumented-flag-backend.js';
import type { RampartMetrics } from '../telemetry/rampart-metrics.js';
import type { Clock } from '../time/clock.js';

export interface FlagBackends {
  /** Every configured backend by name: counted in metrics, writing only while this replica leads. */
  byName: ReadonlyMap<string, FlagBackend>;
  /** The backend a spec's `flag.backend` names (checked against the configuration at start). */
  forFlag(flag: FlagRef): FlagBackend;
}

export function createFlagBackends(
  runtime: RuntimeConfig,
  deps: {
    clock: Clock;
    store: Store;
    metrics: RampartMetrics;
    leadership: Leadership;
    /** Emitted after each embedded flag write (wakes the SDK streams). */
    flagChanges?: FlagChangeSignal;
  },
): FlagBackends {
  const byName = new Map<string, FlagBackend>();
  const flags = deps.flagChanges ? signalFlagWrites(deps.store.flags, deps.flagChanges) : deps.store.flags;
  for (const [name, config] of Object.entries(runtime.flagBackends)) {
    const backend = createFlagBackend(config, { clock: deps.clock, flags }, `flagBackends.${name}`);
    byName.set(
      name,
      new LeaderGatedFlagBackend(new InstrumentedFlagBackend(name, backend, deps.metrics), deps.leadership),
    );
  }
  return {
    byName,
    forFlag(flag) {
      const backend = byName.get(flag.backend);
      if (!backend) throw new Error(`no flag backend named ${flag.backend}`);
      return backend;
    },
  };
}

/** Readers of Unleash's client metrics, one per unleash backend (fleet evidence after a rollback). */
export function unleashUsageReaders(runtime: RuntimeConfig): ReadonlyMap<string, UnleashUsageReader> {
  const readers = new Map<string, UnleashUsageReader>();
  for (const [name, config] of Object.entries(runtime.flagBackends)) {
    if (config.type === 'unleash') readers.set(name, unleashAdminApi(config, {}, `flagBackends.${name}`));
  }
  return readers;
}
