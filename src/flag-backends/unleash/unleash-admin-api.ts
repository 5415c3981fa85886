/** A strategy as the Admin API returns it on a feature environment. Parameters are strings. */
export interface AdminStrategy {
  id: string;
  name: string;
  title?: string | null;
  disabled?: boolean | null;
  parameters: Record<string, string>;
  constraints: AdminConstraint[];
  /** Ids of the segments on the strategy. */
  segments: number[];
}

/** A constraint as the Admin API takes and returns it (`values` for list operators, else `value`). */
interface AdminConstraint {
  contextName: string;
  operator: string;
  values?: string[] | null;
  value?: string | null;
  inverted?: boolean | null;
  caseInsensitive?: boolean | null;
}

/** A segment: a named, reusable list of constraints. */
export interface AdminSegment {
  id: number;
  name: string;
}

/** One environment of a feature: whether it is on and its strategies. */
export interface AdminFeatureEnvironment {
  name: string;
  enabled: boolean;
  strategies: AdminStrategy[];
}

/** A feature flag with all its environments, as `GET /api/admin/projects/:project/features/:name` returns it. */
export interface AdminFeature {
  name: string;
  project: string;
  environments: AdminFeatureEnvironment[];
}

/** What rampart writes when it creates or replaces a strategy. */
export interface StrategyInput {
  name: string;
  title: string;
  parameters: Record<string, string>;
  constraints: AdminConstraint[];
  segments: number[];
  disabled: boolean;
}

/** Where a feature environment is addressed. */
export interface FeatureEnvironmentRef {
  project: string;
  feature: string;
  environment: string;
}

/**
 * The slice of Unleash's Admin API rampart uses. Implementations throw the typed `Unleash*Error`s of
 * src/errors/ and never put the token in a message. Idempotent calls may be retried inside.
 */
export interface UnleashAdminApi {
  /** Base URL of the server, for messages. */
  readonly url: string;
  /** Reads a feature with its environments; `undefined` when it (or its project) does not exist. */
  getFeature(project: string, feature: string): Promise<AdminFeature | undefined>;
  /** Creates a release feature in a project. Throws UnleashError `unleash_conflict` when the name is taken. Not retried. */
  createFeature(project: string, feature: string): Promise<void>;
  /** Adds a strategy to a feature environment and returns it with its id. Not retried (not idempotent). */
  addStrategy(ref: FeatureEnvironmentRef, strategy: StrategyInput): Promise<AdminStrategy>;
  /** Replaces a strategy (PUT, idempotent) and returns it. */
  updateStrategy(
    ref: FeatureEnvironmentRef,
    strategyId: string,
    strategy: StrategyInput,
  ): Promise<AdminStrategy>;
  /** Every segment (id and name), to write and read segments by name. */
  listSegments(): Promise<AdminSegment[]>;
  /** Turns a feature environment on or off (idempotent). */
  setEnvironmentEnabled(ref: FeatureEnvironmentRef, enabled: boolean): Promise<void>;
  /**
   * One authorised read of a flag, not retried (a probe must answer quickly). Resolves when Unleash
   * accepts the token for the project (a missing flag is fine); throws the typed error otherwise.
   */
  checkAccess(project: string, feature: string): Promise<void>;
}
