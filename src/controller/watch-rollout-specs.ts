import { readFile } from 'node:fs/promises';
import type { LoadedSpec } from '../rollout-spec/load-spec-files.js';
import { parseRolloutSpec } from '../rollout-spec/parse-rollout-spec.js';
import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import type { Logger } from './logger.js';
import { fsFileWatcher, watchSpecFile } from './spec-watcher.js';

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
