import type { FlagConstraint } from '../rollout-spec/flag-scope.js';

/** One flag in one environment, as rampart's Unleash-compatible client API serves it. */
export interface ClientFlag {
  name: string;
  project: string;
  environment: string;
  enabled: boolean;
  /** 0..100: the `rollout` of the flag's one flexibleRollout strategy. */
  percentage: number;
  /** Context field hashed for stickiness, e.g. `userId`. */
  stickiness: string;
  groupId: string;
  /** Unleash constraints of the strategy; SDKs evaluate them (all must match). */
  constraints: FlagConstraint[];
}

/** A consistent view of every flag and a revision that changes whenever any flag changes. */
export interface ClientFlagSnapshot {
  flags: ClientFlag[];
  /** Opaque; equal revisions mean equal flags (it becomes part of the ETag). */
  revision: string;
}

/** Where the client API reads flags from (the embedded backend's store, or a test's memory). */
export interface ClientFeatureSource {
  /** Every flag of every environment with the revision they were read at. */
  snapshot(): Promise<ClientFlagSnapshot>;
}

/** The part of the store's FlagRepository the client API needs: each row carries the store revision it was written at. */
export interface RevisionedFlagList {
  list(): Promise<(ClientFlag & { revision: number })[]>;
}

/**
 * Adapts the embedded backend's flag repository. The revision is the largest row revision of the same
 * read, so the flags and the ETag can never come from two different moments.
 */
export function clientFeatureSourceFromFlags(flags: RevisionedFlagList): ClientFeatureSource {
  return {
    async snapshot() {
      const rows = await flags.list();
      const revision = rows.reduce((max, row) => Math.max(max, row.revision), 0);
      return {
        revision: String(revision),
        flags: rows.map(
          ({ name, project, environment, enabled, percentage, stickiness, groupId, constraints }) => ({
            name,
            project,
            environment,
            enabled,
            percentage,
            stickiness,
            groupId,
            constraints,
          }),
        ),
      };
    },
  };
}
