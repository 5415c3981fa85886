import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseRolloutSpec } from '../rollout-spec/parse-rollout-spec.js';
import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';

/** flags/mfa-staff.yaml of this package; two levels up from both src/demo/ and dist/demo/. */
export const FLAGSHIP_SPEC_PATH = fileURLToPath(new URL('../../flags/mfa-staff.yaml', import.meta.url));

/** How the demo compresses the flagship spec's schedule from hours to about a minute. */
export interface DemoSchedule {
  /** Minimum time at each step; default 20 s (the flagship: 15 min). */
  bakeMs: number;
  /** Time at 100 % before the rollout completes; default 20 s (the flagship: the 1h default). */
  soakMs: number;
  /** Default 1 s (the flagship: 10 s). */
  tickMs: number;
  /** Treatment events per step; default 5, reachable at 1 % with ~30 logins/s within one bake. */
  minSamples: number;
  /** Default 30 s (the flagship: 10 min). */
  noDataTimeoutMs: number;
  /** The window of `threshold` guardrails; default 30 s (the flagship: 5 min). */
  thresholdWindowMs: number;
  /** Events a threshold ratio needs in its window; default 20. */
  thresholdMinEvents: number;
  /** Expected exposures per arm before SRM judges; default 3 (1 % of a small sample). */
  srmMinPerArm: number;
  /** SRM counts from this long after a step started; default 3 s (scrape 1 s + SDK refresh 0.5 s). */
  srmSettleMs: number;
}

export const DEFAULT_DEMO_SCHEDULE: DemoSchedule = {
  bakeMs: 20_000,
  soakMs: 20_000,
  tickMs: 1_000,
  minSamples: 5,
  noDataTimeoutMs: 30_000,
  thresholdWindowMs: 30_000,
  thresholdMinEvents: 20,
  srmMinPerArm: 3,
  srmSettleMs: 3_000,
};

/**
 * The flagship spec with the demo's schedule: same steps, guardrails, limits and approvals, but
 * shorter times and smaller samples, and no deploy windows (the demo must run at any hour).
 * Approvals stay: the demo's simulated release manager grants them.
 */
export function compressSpec(spec: RolloutSpec, schedule: DemoSchedule): RolloutSpec {
  return {
    ...spec,
    bake: schedule.bakeMs,
    soak: schedule.soakMs,
    tick: schedule.tickMs,
    minSamples: schedule.minSamples,
    // A canary step's wait to see its population is hours of a real day; the demo's day is a
    // minute, so a canary waits no longer than its bake.
    canaryMaxWait: schedule.bakeMs,
    noDataTimeout: schedule.noDataTimeoutMs,
    windows: undefined,
    guardrails: spec.guardrails.map((g) => {
      if (g.kind === 'threshold') {
        return {
          ...g,
          threshold: {
            ...g.threshold,
            window: schedule.thresholdWindowMs,
            minEvents: schedule.thresholdMinEvents,
          },
        };
      }
      if (g.kind === 'srm') {
        return { ...g, srm: { ...g.srm, minPerArm: schedule.srmMinPerArm, settle: schedule.srmSettleMs } };
      }
      return g;
    }),
  };
}

/** Reads and validates a rollout spec file (the flagship by default). */
export async function loadSpecFile(path = FLAGSHIP_SPEC_PATH): Promise<RolloutSpec> {
  const parsed = parseRolloutSpec(await readFile(path, 'utf8'), path);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}
