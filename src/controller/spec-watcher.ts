import { watch } from 'node:fs';
import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import type { Logger } from './logger.js';
import { silentLogger } from './logger.js';

/** Something that calls back when a file changes (fs.watch in production, a fake in tests). */
export interface FileWatcher {
  /** Calls `onChange` whenever `path` may have changed; returns a handle that stops watching. */
  watch(path: string, onChange: () => void): { close(): void };
}

export const fsFileWatcher: FileWatcher = {
  watch: (path, onChange) => watch(path, { persistent: false }, () => onChange()),
};

export interface SpecWatchOptions {
  watcher: FileWatcher;
  /** Reads and validates the spec file (the spec parser); throws on a bad file. */
  load: (path: string) => Promise<RolloutSpec>;
  /** Hands the new spec to the controller (Controller.reloadSpec), which decides safe or unsafe. */
  apply: (spec: RolloutSpec) => Promise<unknown>;
  logger?: Logger;
}

/**
 * Re-reads a spec file when it changes and passes it on. Events arrive in bursts; reloads run one
 * at a time and an unchanged spec is a no-op downstream, so bursts cost a read, not an audit entry.
 */
export function watchSpecFile(
  path: string,
  options: SpecWatchOptions,
): { close(): void; settled(): Promise<void> } {
  const logger = options.logger ?? silentLogger;
  let chain: Promise<void> = Promise.resolve();
  const handle = options.watcher.watch(path, () => {
    chain = chain.then(async () => {
      try {
        await options.apply(await options.load(path));
      } catch (error) {
        logger.warn({ path, err: String(error) }, 'spec file change not applied; the rollout keeps its spec');
      }
    });
  });
  return { close: () => handle.close(), settled: () => chain };
}
