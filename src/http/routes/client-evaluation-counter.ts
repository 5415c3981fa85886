import { Counter, type Registry } from 'prom-client';

/** A counter on `registry`, or the one already there (the client API can be created twice on one registry). */
export function sharedCounter<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: L[],
): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

/**
 * Counts the evaluations SDKs report. Only flags rampart serves become `flag` label values: a client
 * could name any number of flags and each name would be a new series, so the rest are summed in one
 * counter without a flag label.
 */
export class ClientEvaluationCounter {
  private readonly known: Counter<'flag' | 'enabled'>;
  private readonly unknown: Counter<'enabled'>;

  constructor(registry: Registry) {
    this.known = sharedCounter(
      registry,
      'rampart_client_flag_evaluations_total',
      'Flag evaluations reported by unleash-client SDKs in their metrics, by flag and result.',
      ['flag', 'enabled'],
    );
    this.unknown = sharedCounter(
      registry,
      'rampart_client_unknown_flag_evaluations_total',
      'Evaluations SDKs reported for flags rampart does not serve (no flag label, to bound the series).',
      ['enabled'],
    );
  }

  count(
    toggles: Readonly<Record<string, { yes: number; no: number }>>,
    servedFlags: ReadonlySet<string>,
  ): void {
    for (const [flag, { yes, no }] of Object.entries(toggles)) {
      for (const [enabled, n] of [
        ['true', yes],
        ['false', no],
      ] as const) {
        if (n <= 0) continue;
        if (servedFlags.has(flag)) this.known.inc({ flag, enabled }, n);
        else this.unknown.inc({ enabled }, n);
      }
    }
  }
}
