// rampart/instrument: measure a service the way rampart's guardrails read it (docs/instrument-node.md).
export { FlagMetrics, type FlagMetricsOptions, type Outcome, type Variant } from './flag-metrics.js';
export { InstrumentError } from './instrument-error.js';
export {
  type InstrumentUnleashOptions,
  instrumentUnleash,
  type UnleashInstrumentedFlag,
  type UnleashLike,
} from './instrument-unleash.js';
export {
  type FlagEvaluator,
  type FlagUser,
  InstrumentedFlag,
  type MiddlewareOptions,
} from './instrumented-flag.js';
export {
  instrumentOpenFeature,
  OpenFeatureExposureHook,
  type OpenFeatureExposureOptions,
  type OpenFeatureTarget,
} from './open-feature-exposure-hook.js';
export { inToggleScope, type ScopedToggle, type UnleashContext } from './unleash-scope.js';
