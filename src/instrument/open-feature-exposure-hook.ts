import {
  type EvaluationContext,
  type EvaluationDetails,
  type EventDetails,
  type FlagValue,
  type Hook,
  type HookContext,
  ProviderEvents,
} from '@openfeature/server-sdk';
import { FlagMetrics, type FlagMetricsOptions, type Variant } from './flag-metrics.js';
import { InstrumentError } from './instrument-error.js';

export interface OpenFeatureExposureOptions extends FlagMetricsOptions {
  /** The flag key under rollout. */
  flag: string;
  /**
   * Who the rollout may reach. OpenFeature does not say why a flag is off for a user, so without
   * this predicate everyone is in scope (off means control).
   */
  inScope?: (context: EvaluationContext) => boolean;
  /** Which evaluated value is the treatment; default `value === true` (a boolean flag). */
  isTreatment?: (value: FlagValue) => boolean;
}

/**
 * An OpenFeature server hook: every evaluation of the flag counts its user (the context's
 * `targetingKey`) as exposed, once per epoch. `configurationChanged` starts a new epoch when the
 * provider reports that this flag changed (or does not say which flags did).
 */
export class OpenFeatureExposureHook implements Hook {
  readonly metrics: FlagMetrics;

  constructor(private readonly options: OpenFeatureExposureOptions) {
    if (options.flag.trim() === '') throw new InstrumentError('flag must name the flag under rollout');
    this.metrics = new FlagMetrics(options);
  }

  /** The variant of an evaluated value for a user, for the service's later outcome counters. */
  variantOf(value: FlagValue, context: EvaluationContext): Variant {
    const treatment = this.options.isTreatment ? this.options.isTreatment(value) : value === true;
    if (treatment) return 'treatment';
    return (this.options.inScope?.(context) ?? true) ? 'control' : 'out_of_scope';
  }

  after(hookContext: Readonly<HookContext>, details: EvaluationDetails<FlagValue>): void {
    if (hookContext.flagKey !== this.options.flag) return;
    const context = hookContext.context;
    this.metrics.exposed(context.targetingKey, this.variantOf(details.value, context));
  }

  readonly configurationChanged = (event?: EventDetails): void => {
    const changed = (event as { flagsChanged?: unknown } | undefined)?.flagsChanged;
    if (!Array.isArray(changed) || changed.includes(this.options.flag)) this.metrics.newEpoch();
  };
}

/** An OpenFeature client (or the OpenFeature API object): where the hook and the change handler go. */
export interface OpenFeatureTarget {
  addHooks(...hooks: Hook[]): unknown;
  addHandler(event: ProviderEvents.ConfigurationChanged, handler: (event?: EventDetails) => void): unknown;
}

/** Adds the exposure hook to a client and follows the provider's configuration changes. */
export function instrumentOpenFeature(
  target: OpenFeatureTarget,
  options: OpenFeatureExposureOptions,
): OpenFeatureExposureHook {
  const hook = new OpenFeatureExposureHook(options);
  target.addHooks(hook);
  target.addHandler(ProviderEvents.ConfigurationChanged, hook.configurationChanged);
  return hook;
}
