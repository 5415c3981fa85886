import { UnleashError } from '../../src/errors/unleash-error.js';
import type {
  AdminFeature,
  AdminSegment,
  AdminStrategy,
  FeatureEnvironmentRef,
  StrategyInput,
  UnleashAdminApi,
} from '../../src/flag-backends/unleash/unleash-admin-api.js';

type Method = Exclude<keyof UnleashAdminApi, 'url'>;

/**
 * A hand-written in-memory Unleash for unit tests. It behaves like unleash-server 7 where rampart
 * depends on it: two environments per feature, 404 on a missing project, 409 on a taken name, and an
 * environment turned on with no strategy gets a default 100 % flexibleRollout strategy.
 */
export class FakeUnleashAdminApi implements UnleashAdminApi {
  readonly url = 'http://unleash.test';
  readonly projects = new Set(['default']);
  readonly environments = ['development', 'production'];
  readonly features = new Map<string, AdminFeature>();
  /** Every call, in order, e.g. `addStrategy production 25`. */
  readonly calls: string[] = [];
  /** Errors to throw from the next calls of a method (consumed one per call). */
  readonly failures = new Map<Method, UnleashError[]>();
  /** Segments by id, as a person created them in the UI. */
  readonly segments: AdminSegment[] = [];
  private nextId = 1;

  async getFeature(project: string, feature: string): Promise<AdminFeature | undefined> {
    this.record('getFeature', feature);
    const found = this.features.get(feature);
    return found?.project === project ? structuredClone(found) : undefined;
  }

  async createFeature(project: string, feature: string): Promise<void> {
    this.record('createFeature', feature);
    if (!this.projects.has(project))
      throw new UnleashError('unleash_not_found', `project ${project} missing`, this.url);
    if (this.features.has(feature)) throw new UnleashError('unleash_conflict', `${feature} exists`, this.url);
    this.features.set(feature, {
      name: feature,
      project,
      environments: this.environments.map((name) => ({ name, enabled: false, strategies: [] })),
    });
  }

  async addStrategy(ref: FeatureEnvironmentRef, strategy: StrategyInput): Promise<AdminStrategy> {
    this.record('addStrategy', `${ref.environment} ${strategy.parameters.rollout}`);
    const created = { id: `s${this.nextId++}`, ...structuredClone(strategy) };
    this.environment(ref).strategies.push(created);
    return structuredClone(created);
  }

  async updateStrategy(
    ref: FeatureEnvironmentRef,
    id: string,
    strategy: StrategyInput,
  ): Promise<AdminStrategy> {
    this.record('updateStrategy', `${ref.environment} ${strategy.parameters.rollout}`);
    const env = this.environment(ref);
    const index = env.strategies.findIndex((s) => s.id === id);
    if (index < 0) throw new UnleashError('unleash_not_found', `strategy ${id} missing`, this.url);
    const updated = { id, ...structuredClone(strategy) };
    env.strategies[index] = updated;
    return structuredClone(updated);
  }

  async setEnvironmentEnabled(ref: FeatureEnvironmentRef, enabled: boolean): Promise<void> {
    this.record('setEnvironmentEnabled', `${ref.environment} ${enabled ? 'on' : 'off'}`);
    const env = this.environment(ref);
    if (enabled && env.strategies.length === 0) {
      env.strategies.push({
        id: `s${this.nextId++}`,
        name: 'flexibleRollout',
        title: null,
        disabled: false,
        parameters: { rollout: '100', stickiness: 'default', groupId: ref.feature },
        constraints: [],
        segments: [],
      });
    }
    env.enabled = enabled;
  }

  async checkAccess(project: string, feature: string): Promise<void> {
    this.record('checkAccess', `${project}/${feature}`);
  }

  async listSegments(): Promise<AdminSegment[]> {
    this.record('listSegments', '');
    return structuredClone(this.segments);
  }

  /** Makes the next `count` calls of `method` throw `error`. */
  failNext(method: Method, error: UnleashError, count = 1): void {
    const queue = this.failures.get(method) ?? [];
    for (let i = 0; i < count; i++) queue.push(error);
    this.failures.set(method, queue);
  }

  /** A person's hand edit, bypassing the call log. */
  edit(
    feature: string,
    environment: string,
    change: (env: AdminFeature['environments'][number]) => void,
  ): void {
    change(this.environment({ project: '', feature, environment }));
  }

  private record(method: Method, detail: string): void {
    this.calls.push(`${method} ${detail}`);
    const error = this.failures.get(method)?.shift();
    if (error) throw error;
  }

  private environment(ref: FeatureEnvironmentRef): AdminFeature['environments'][number] {
    const env = this.features.get(ref.feature)?.environments.find((e) => e.name === ref.environment);
    if (!env)
      throw new UnleashError('unleash_not_found', `${ref.feature}/${ref.environment} missing`, this.url);
    return env;
  }
}
