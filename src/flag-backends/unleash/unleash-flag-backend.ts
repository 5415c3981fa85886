import { redactUrl } from '../../errors/redact-url.js';
import { UnleashError } from '../../errors/unleash-error.js';
import { canonicalScope, describeScope, sameScope } from '../../rollout-spec/flag-scope.js';
import type { FlagRef } from '../../rollout-spec/rollout-spec-schema.js';
import type { FlagBackend, FlagState, Readiness } from '../flag-backend.js';
import { atZero, rampartStrategy, sameStrategy, stateOf, strategyFor } from './rampart-strategy.js';
import type {
  AdminFeatureEnvironment,
  AdminSegment,
  FeatureEnvironmentRef,
  UnleashAdminApi,
} from './unleash-admin-api.js';

/**
 * Unleash as a flag backend. rampart owns one `flexibleRollout` strategy per flag environment (found
 * by its title) with the spec's scope (constraints, segments) on it, sets its `rollout` on each step,
 * and to roll back sets it to 0 and turns the environment off. Strategies other people added are left
 * alone and reported in `otherStrategies`, and the strategy's scope is read back on every read, so
 * the controller can notice a hand change. Every write is read back; a read-back that differs throws
 * `flag_write_unconfirmed`.
 */
export class UnleashFlagBackend implements FlagBackend {
  constructor(private readonly api: UnleashAdminApi) {}

  async read(flag: FlagRef): Promise<FlagState> {
    const feature = await this.api.getFeature(flag.project, flag.name);
    // Segment ids are named only when there are some: most reads cost one request.
    const ids = rampartStrategy(flag, feature)?.segments ?? [];
    return stateOf(flag, feature, ids.length > 0 ? await this.api.listSegments() : []);
  }

  async setPercentage(flag: FlagRef, percentage: number): Promise<FlagState> {
    if (!Number.isInteger(percentage) || percentage < 0 || percentage > 100) {
      throw new RangeError(`percentage must be an integer 0..100, got ${percentage}`);
    }
    const ref = refOf(flag);
    const environment = await this.environmentOrCreate(flag);
    const wanted = strategyFor(flag, percentage, await this.segmentIds(flag));
    const mine = environment.strategies.find((s) => s.title === wanted.title);
    // The strategy must exist before the environment is turned on: an environment turned on with no
    // strategy gets Unleash's default 100 % strategy, which would expose everyone for a moment.
    // The spec's scope is written as well: the controller writes only when the flag read back as it
    // left it (or a person resumed), so this never overwrites a hand change it has not seen.
    if (mine === undefined) await this.api.addStrategy(ref, wanted);
    else if (!sameStrategy(mine, wanted)) await this.api.updateStrategy(ref, mine.id, wanted);
    if (!environment.enabled) await this.api.setEnvironmentEnabled(ref, true);
    return this.confirm(flag, { enabled: true, percentage });
  }

  /**
   * Rollout 0 first (nobody exposed even if turning the environment off then fails), then off: a
   * person who turns the environment back on exposes nobody. The strategy's scope is kept as it is.
   */
  async disable(flag: FlagRef): Promise<FlagState> {
    const feature = await this.api.getFeature(flag.project, flag.name);
    const before = stateOf(flag, feature);
    if (!before.exists) return before;
    const mine = rampartStrategy(flag, feature);
    if (mine !== undefined && mine.parameters.rollout !== '0') {
      await this.api.updateStrategy(refOf(flag), mine.id, atZero(mine));
    }
    if (before.enabled) await this.api.setEnvironmentEnabled(refOf(flag), false);
    return this.confirm(flag, { enabled: false, percentage: 0 });
  }

  /**
   * An authorised read of each flag (Unleash's /health answers without a token, so it says nothing
   * about whether rampart may write). With no rollout on this backend yet there is nothing to read;
   * the first spec's flag is checked as soon as it is loaded.
   */
  async readiness(flags: readonly FlagRef[]): Promise<Readiness> {
    const seen = new Set<string>();
    for (const flag of flags) {
      const key = `${flag.project}/${flag.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      try {
        await this.api.checkAccess(flag.project, flag.name);
      } catch (error) {
        return { ok: false, reason: error instanceof Error ? error.message : String(error) };
      }
    }
    return { ok: true };
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
      throw UnleashError.writeUnconfirmed(this.api.url, flag.name, expected, {
        enabled: actual.enabled,
        percentage: actual.percentage,
      });
    }
    // A flag that is on must carry the spec's scope; an off flag exposes nobody whatever its scope.
    if (expected.enabled && !sameScope(actual.scope ?? {}, canonicalScope(flag))) {
      throw UnleashError.writeUnconfirmed(
        this.api.url,
        flag.name,
        { ...expected, scope: describeScope(canonicalScope(flag)) },
        { enabled: actual.enabled, percentage: actual.percentage, scope: describeScope(actual.scope ?? {}) },
      );
    }
    return actual;
  }

  /** The ids of the spec's segments; a name Unleash does not know is an error naming the known ones. */
  private async segmentIds(flag: FlagRef): Promise<number[]> {
    const names = flag.segments ?? [];
    if (names.length === 0) return [];
    const known: AdminSegment[] = await this.api.listSegments();
    return names.map((name) => {
      const found = known.find((s) => s.name === name);
      if (found === undefined) {
        throw new UnleashError(
          'unleash_not_found',
          `flag ${flag.name}: flag.segments names "${name}", which is not a segment in Unleash at ${this.api.url} (segments: ${known.map((s) => s.name).join(', ') || 'none'})`,
          this.api.url,
        );
      }
      return found.id;
    });
  }
}

function refOf(flag: FlagRef): FeatureEnvironmentRef {
  return { project: flag.project, feature: flag.name, environment: flag.environment };
}
