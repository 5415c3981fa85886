import type { FlagMetricsOptions } from './flag-metrics.js';
import { InstrumentError } from './instrument-error.js';
import { InstrumentedFlag } from './instrumented-flag.js';
import { inToggleScope, type ScopedToggle, type UnleashContext } from './unleash-scope.js';

/** The part of an unleash-client `Unleash` instance the helper uses (any SDK version 5 or 6). */
export interface UnleashLike {
  isEnabled(name: string, context?: UnleashContext): boolean;
  getFeatureToggleDefinitions(withFullSegments: boolean): readonly (ScopedToggle & { name: string })[];
  on(event: 'changed', listener: () => void): unknown;
  off(event: 'changed', listener: () => void): unknown;
}

export interface InstrumentUnleashOptions extends FlagMetricsOptions {
  unleash: UnleashLike;
  /** The flag under rollout, as the service evaluates it. */
  flag: string;
  /**
   * Who the rollout may reach. Default: the flag's own strategy constraints and segments, read
   * from the SDK's copy of the flag and evaluated by the SDK's constraint code, so the scope is
   * exactly the one Unleash (or rampart) serves. Pass a predicate when the scope is decided
   * outside the flag (e.g. the service only asks the flag for staff).
   */
  inScope?: (context: UnleashContext) => boolean;
}

/** An unleash-client flag, measured; `close()` stops following the SDK's configuration changes. */
export interface UnleashInstrumentedFlag extends InstrumentedFlag<UnleashContext> {
  close(): void;
}

/**
 * Instruments one flag of an unleash-client instance: `flag.evaluate(context)` calls the SDK's
 * `isEnabled` (the service's evaluation), decides treatment / control / out_of_scope, and counts the
 * exposure. A new epoch starts whenever the SDK reports a change of this flag's definition.
 */
export function instrumentUnleash(options: InstrumentUnleashOptions): UnleashInstrumentedFlag {
  const { unleash, flag: name } = options;
  if (name.trim() === '') throw new InstrumentError('flag must name the flag under rollout');
  let toggle = toggleOf(unleash, name);
  const flag = new InstrumentedFlag<UnleashContext>(
    {
      userIdOf: (context) => context.userId,
      isEnabled: (context) => unleash.isEnabled(name, context),
      // Before the SDK knows the flag nobody can be in treatment; count them as control.
      inScope: options.inScope ?? ((context) => (toggle ? inToggleScope(toggle, context) : true)),
    },
    options,
  );
  const stop = followFlagChanges(unleash, name, (next) => {
    toggle = next;
    flag.metrics.newEpoch();
  });
  return Object.assign(flag, { close: stop });
}

type Toggle = ScopedToggle & { name: string };

const toggleOf = (unleash: UnleashLike, name: string): Toggle | undefined =>
  unleash.getFeatureToggleDefinitions(true).find((t) => t.name === name);

/**
 * Calls `onChange` with the flag's new definition whenever the SDK's copy of this one flag changes
 * (unleash-client emits `changed` on every fresh download, whichever flag changed). Returns the
 * function that stops following.
 */
export function followFlagChanges(
  unleash: UnleashLike,
  name: string,
  onChange: (toggle: Toggle | undefined) => void,
): () => void {
  let signature = canonicalJson(toggleOf(unleash, name));
  const onChanged = () => {
    const next = toggleOf(unleash, name);
    const nextSignature = canonicalJson(next);
    if (nextSignature === signature) return;
    signature = nextSignature;
    onChange(next);
  };
  unleash.on('changed', onChanged);
  return () => void unleash.off('changed', onChanged);
}

/** JSON with object keys sorted, so a re-serialised but equal definition is not a change. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
