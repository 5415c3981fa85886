import { isDeepStrictEqual } from 'node:util';
import type { LoadedSpec } from '../rollout-spec/load-spec-files.js';

/** One read of the spec directory: the valid specs, and the files that exist but did not load. */
export interface SpecScan {
  specs: readonly LoadedSpec[];
  /** Files present but invalid (mid-save, a typo): their rollouts are kept as they are, not removed. */
  failedSources: ReadonlySet<string>;
}

/** What changed between the specs rampart runs and a new scan, by rollout name (not by file). */
export interface SpecDirectoryDiff {
  added: LoadedSpec[];
  changed: LoadedSpec[];
  removed: LoadedSpec[];
  /** The specs known after this scan: the valid ones plus those kept because their file failed. */
  next: Map<string, LoadedSpec>;
}

/**
 * Compares by rollout name, so a renamed file (`git mv`, a ConfigMap key renamed) with the same
 * rollout is a no-op, not a removal and an addition. A rollout whose file is still there but does
 * not parse keeps its running spec: an editor writing in two steps must never pause a rollout.
 */
export function diffSpecDirectory(known: ReadonlyMap<string, LoadedSpec>, scan: SpecScan): SpecDirectoryDiff {
  const next = new Map<string, LoadedSpec>();
  const added: LoadedSpec[] = [];
  const changed: LoadedSpec[] = [];
  for (const loaded of scan.specs) {
    const before = known.get(loaded.spec.name);
    if (!before) added.push(loaded);
    else if (!isDeepStrictEqual(before.spec, loaded.spec)) changed.push(loaded);
    next.set(loaded.spec.name, loaded);
  }
  const removed: LoadedSpec[] = [];
  for (const [name, before] of known) {
    if (next.has(name)) continue;
    if (scan.failedSources.has(before.source)) next.set(name, before);
    else removed.push(before);
  }
  return { added, changed, removed, next };
}
