import { redactUrl } from '../../errors/redact-url.js';
import { UnleashError } from '../../errors/unleash-error.js';
import type { FlagRef } from '../../rollout-spec/rollout-spec-schema.js';
import type { FlagBackend, FlagState } from '../flag-backend.js';
import type {
  AdminFeature,
  AdminFeatureEnvironment,
  AdminStrategy,
  FeatureEnvironmentRef,
  StrategyInput,
  UnleashAdminApi,
} from './unleash-admin-api.js';

/** Title that marks the one strategy rampart owns on a flag environment, so it is found again after a restart. */
export function rampartStrategyTitle(flag: Pick<FlagRef, 'name'>): string {
  return `rampart:${flag.name}`;
}

const MISSING: FlagState = { exists: false, enabled: false, percentage: 0, otherStrategies: 0 };

/**
 * Unleash as a flag backend. rampart owns one `flexibleRollout` strategy per flag environment (found
 * by its title), sets its `rollout` on each step and turns the environment off to roll back. Strategies
 * other people added are left alone and reported in `otherStrategies`, so the controller can notice a
 * hand change. Every write is read back; a read-back that differs throws `flag_write_unconfirmed`.
 */
export class UnleashFlagBackend implements FlagBackend {
  constructor(private readonly api: UnleashAdminApi) {}

  async read(flag: FlagRef): Promise<FlagState> {
    const feature = await this.api.getFeature(flag.project, flag.name);
    return stateOf(flag, feature);
  }

  async setPercentage(flag: FlagRef, percentage: number): Promise<FlagState> {
    if (!Number.isInteger(percentage) || percentage < 0 || percentage > 100) {
      throw new RangeError(`percentage must be an integer 0..100, got ${percentage}`);
    }
    const ref = refOf(flag);
    const environment = await this.environmentOrCreate(flag);
    const wanted = strategyFor(flag, percentage);
    const mine = environment.strategies.find((s) => s.title === wanted.title);
    // The strategy must exist before the environment is turned on: an environment turned on with no
    // strategy gets Unleash's default 100 % strategy, which would expose everyone for a moment.
    if (mine === undefined) await this.api.addStrategy(ref, wanted);
    else if (!sameStrategy(mine, wanted)) {
      await this.api.updateStrategy(ref, mine.id, { ...wanted, constraints: mine.constraints });
    }
    if (!environment.enabled) await this.api.setEnvironmentEnabled(ref, true);
    return this.confirm(flag, { enabled: true, percentage });
  }

  async disable(flag: FlagRef): Promise<FlagState> {
    const feature = await this.api.getFeature(flag.project, flag.name);
    const before = stateOf(flag, feature);
    if (!before.exists) return before;
    if (before.enabled) await this.api.setEnvironmentEnabled(refOf(flag), false);
    return this.confirm(flag, { enabled: false, percentage: before.percentage });
  }

  isOnline(): Promise<boolean> {
    return this.api.health();
  }

  private async environmentOrCreate(flag: FlagRef): Promise<AdminFeatureEnvironment> {
    let feature = await this.api.getFeature(flag.project, flag.name);
    if (feature === undefined) {
      let conflict: UnleashError | undefined;
      try {
        await this.api.createFeature(flag.project, flag.name);
      } catch (error) {
        // Someone created it between our read and our write: fine, read it below.
        if (!(error instanceof UnleashError && error.code === 'unleash_conflict')) throw error;
        conflict = error;
      }
      feature = await this.api.getFeature(flag.project, flag.name);
      if (feature === undefined && conflict !== undefined) {
        throw new UnleashError(
          'unleash_conflict',
          `flag ${flag.name} exists in Unleash at ${redactUrl(this.api.url)} but not in project ${flag.project}: it is archived or in another project`,
          this.api.url,
        );
      }
    }
    const environment = feature?.environments.find((e) => e.name === flag.environment);
    if (feature === undefined || environment === undefined) {
      const known = feature?.environments.map((e) => e.name).join(', ') || 'none';
      throw new UnleashError(
        'unleash_not_found',
        `flag ${flag.name} in project ${flag.project} has no environment "${flag.environment}" in Unleash at ${redactUrl(this.api.url)} (environments: ${known})`,
        this.api.url,
      );
    }
    return environment;
  }

  private async confirm(
    flag: FlagRef,
    expected: Pick<FlagState, 'enabled' | 'percentage'>,
  ): Promise<FlagState> {
    const actual = await this.read(flag);
    if (!actual.exists || actual.enabled !== expected.enabled || actual.percentage !== expected.percentage) {
      throw UnleashError.writeUnconfirmed(this.api.url, flag.name, expected, actual);
    }
    return actual;
  }
}

function refOf(flag: FlagRef): FeatureEnvironmentRef {
  return { project: flag.project, feature: flag.name, environment: flag.environment };
}

function strategyFor(flag: FlagRef, percentage: number): StrategyInput {
  return {
    name: 'flexibleRollout',
    title: rampartStrategyTitle(flag),
    parameters: {
      rollout: String(percentage),
      stickiness: flag.stickiness,
      groupId: flag.groupId ?? flag.name,
    },
    constraints: [],
    disabled: false,
  };
}

function sameStrategy(have: AdminStrategy, want: StrategyInput): boolean {
  return (
    have.name === want.name &&
    have.disabled !== true &&
    Object.entries(want.parameters).every(([key, value]) => have.parameters[key] === value)
  );
}

/** Reads rampart's percentage and the count of everyone else's active strategies off a feature. */
export function stateOf(flag: FlagRef, feature: AdminFeature | undefined): FlagState {
  const environment = feature?.environments.find((e) => e.name === flag.environment);
  if (environment === undefined) return { ...MISSING };
  const title = rampartStrategyTitle(flag);
  const mine = environment.strategies.find((s) => s.title === title);
  const active = environment.strategies.filter((s) => s.disabled !== true);
  const rollout = mine !== undefined && mine.disabled !== true ? Number(mine.parameters.rollout) : 0;
  return {
    exists: true,
    enabled: environment.enabled,
    percentage: Number.isFinite(rollout) ? rollout : 0,
    otherStrategies: active.filter((s) => s.title !== title).length,
  };
}
