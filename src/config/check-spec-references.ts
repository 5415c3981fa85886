import type { Issue } from '../errors/validation-error.js';
import { guardrailKind } from '../guardrails/registry.js';
import type { LoadedSpec } from '../rollout-spec/load-spec-files.js';
import type { RuntimeConfig } from './resolve-config.js';

/** Spec references that the configuration cannot satisfy, each naming the valid values. */
export function checkSpecReferences(specs: readonly LoadedSpec[], runtime: RuntimeConfig): Issue[] {
  const backends = Object.keys(runtime.flagBackends);
  const notifiers = Object.keys(runtime.notifiers);
  const issues: Issue[] = [];
  for (const { source, spec } of specs) {
    if (!backends.includes(spec.flag.backend)) {
      issues.push({
        source,
        path: 'flag.backend',
        message: `"${spec.flag.backend}" is not a flag backend of this rampart; configured: ${backends.join(', ') || 'none'}`,
      });
    }
    const backendType = runtime.flagBackends[spec.flag.backend]?.type;
    if (backendType === 'embedded' && (spec.flag.segments?.length ?? 0) > 0) {
      issues.push({
        source,
        path: 'flag.segments',
        message: `segments are Unleash segments: backend "${spec.flag.backend}" is embedded and has none; write the scope as flag.constraints instead`,
      });
    }
    for (const [i, channel] of spec.notify.entries()) {
      if (!notifiers.includes(channel)) {
        issues.push({
          source,
          path: `notify[${i}]`,
          message: `"${channel}" is not a notifier of this rampart; configured: ${notifiers.join(', ') || 'none'}`,
        });
      }
    }
    const type = runtime.metricSource.type;
    for (const g of spec.guardrails) {
      const sources = guardrailKind(g.kind).sources;
      if (sources === undefined || sources.types.includes(type)) continue;
      issues.push({
        source,
        path: `guardrails.${g.name}`,
        message: `${sources.why}; this rampart uses ${type}`,
      });
      break; // one such issue per spec: the fix (another metric source) is the same for all
    }
  }
  return issues;
}
