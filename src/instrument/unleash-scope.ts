import { Strategy } from 'unleash-client';

/** The constraint type unleash-client evaluates, taken from the SDK so the two cannot drift. */
type SdkConstraint =
  NonNullable<Parameters<Strategy['checkConstraints']>[1]> extends IterableIterator<infer C> ? C : never;

/** The part of a toggle definition (with segments resolved) that decides who is in scope. */
export interface ScopedToggle {
  strategies?: readonly {
    constraints?: readonly unknown[];
    segments?: readonly ({ constraints?: readonly unknown[] } | undefined)[];
  }[];
}

/** A context as unleash-client takes it. */
export type UnleashContext = Parameters<Strategy['checkConstraints']>[0];

const checker = new Strategy('rampart-scope');

/**
 * Whether the toggle's scope lets the user in: some strategy whose constraints and segments all
 * match, evaluated by unleash-client's own constraint code (the same operators, the same context
 * resolution), ignoring the percentage. A flag without strategies is on for everyone, so everyone is
 * in scope; an unknown segment matches nobody, as in the SDK.
 */
export function inToggleScope(toggle: ScopedToggle, context: UnleashContext): boolean {
  const strategies = toggle.strategies ?? [];
  if (strategies.length === 0) return true;
  return strategies.some((strategy) => {
    const constraints = [
      ...(strategy.constraints ?? []),
      ...(strategy.segments ?? []).flatMap((segment) =>
        segment ? (segment.constraints ?? []) : [undefined],
      ),
    ] as (SdkConstraint | undefined)[];
    return checker.checkConstraints(context, constraints.values());
  });
}
