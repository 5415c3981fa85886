import { readFile } from 'node:fs/promises';
import type { Logger } from '../controller/logger.js';
import { fsFileWatcher, watchSpecFile } from '../controller/spec-watcher.js';
import type { LoadedSpec } from './load-spec-files.js';
import { parseRolloutSpec } from './parse-rollout-spec.js';
import type { RolloutSpec } from './rollout-spec-schema.js';

/** Re-reads each spec file when it changes and hands a valid one to `apply`; returns the watchers. */
export function watchRolloutSpecs(
  specs: readonly LoadedSpec[],
  apply: (name: string, spec: RolloutSpec) => Promise<unknown>,
  logger: Logger,
): { close(): void }[] {
  return specs.map(({ source, spec }) =>
    watchSpecFile(source, {
      watcher: fsFileWatcher,
      logger,
      load: async (path) => {
        const parsed = parseRolloutSpec(await readFile(path, 'utf8'), path);
        if (!parsed.ok) throw parsed.error;
        return parsed.value;
      },
      apply: (next) => apply(spec.name, next),
    }),
  );
}
