import { canonicalConstraint, canonicalScope, sameScope } from '../../rollout-spec/flag-scope.js';
import type { FlagRef } from '../../rollout-spec/rollout-spec-schema.js';
import type { FlagState } from '../flag-backend.js';
import type { AdminFeature, AdminSegment, AdminStrategy, StrategyInput } from './unleash-admin-api.js';

/** Title that marks the one strategy rampart owns on a flag environment, so it is found again after a restart. */
export function rampartStrategyTitle(flag: Pick<FlagRef, 'name'>): string {
  return `rampart:${flag.name}`;
}

const MISSING: FlagState = { exists: false, enabled: false, percentage: 0, otherStrategies: 0 };

/** rampart's strategy on the flag's environment, if there is one. */
export function rampartStrategy(flag: FlagRef, feature: AdminFeature | undefined): AdminStrategy | undefined {
  const environment = feature?.environments.find((e) => e.name === flag.environment);
  return environment?.strategies.find((s) => s.title === rampartStrategyTitle(flag));
}

/** The strategy rampart wants: the spec's scope (constraints and segment ids) at `percentage`. */
export function strategyFor(flag: FlagRef, percentage: number, segmentIds: number[]): StrategyInput {
  return {
    name: 'flexibleRollout',
    title: rampartStrategyTitle(flag),
    parameters: {
      rollout: String(percentage),
      stickiness: flag.stickiness,
      groupId: flag.groupId ?? flag.name,
    },
    // Written in canonical form so the defaults Unleash would fill in are explicit.
    constraints: (flag.constraints ?? []).map(canonicalConstraint),
    segments: segmentIds,
    disabled: false,
  };
}

/** The same strategy with its rollout at 0 and everything else (a person's scope edits too) kept. */
export function atZero(strategy: AdminStrategy): StrategyInput {
  return {
    name: strategy.name,
    title: strategy.title ?? '',
    parameters: { ...strategy.parameters, rollout: '0' },
    constraints: strategy.constraints,
    segments: strategy.segments,
    disabled: strategy.disabled === true,
  };
}

/** Whether `have` already is `want`: same parameters and the same scope, compared canonically. */
export function sameStrategy(have: AdminStrategy, want: StrategyInput): boolean {
  return (
    have.name === want.name &&
    have.disabled !== true &&
    Object.entries(want.parameters).every(([key, value]) => have.parameters[key] === value) &&
    sameScope(
      { constraints: have.constraints, segments: have.segments.map(String) },
      { constraints: want.constraints, segments: want.segments.map(String) },
    )
  );
}

/**
 * Reads rampart's percentage, its strategy's scope (segment ids named through `segments`; an unknown
 * id reads `#<id>`) and the count of everyone else's active strategies off a feature.
 */
export function stateOf(
  flag: FlagRef,
  feature: AdminFeature | undefined,
  segments: readonly AdminSegment[] = [],
): FlagState {
  const environment = feature?.environments.find((e) => e.name === flag.environment);
  if (environment === undefined) return { ...MISSING };
  const title = rampartStrategyTitle(flag);
  const mine = environment.strategies.find((s) => s.title === title);
  const active = environment.strategies.filter((s) => s.disabled !== true);
  const rollout = mine !== undefined && mine.disabled !== true ? Number(mine.parameters.rollout) : 0;
  const names = new Map(segments.map((s) => [s.id, s.name]));
  return {
    exists: true,
    enabled: environment.enabled,
    percentage: Number.isFinite(rollout) ? rollout : 0,
    otherStrategies: active.filter((s) => s.title !== title).length,
    scope: canonicalScope({
      constraints: mine?.constraints ?? [],
      segments: (mine?.segments ?? []).map((id) => names.get(id) ?? `#${id}`),
    }),
  };
}
