import { checkSpecReferences } from '../config/check-spec-references.js';
import type { RuntimeConfig } from '../config/resolve-config.js';
import type { Logger } from '../controller/logger.js';
import type { FileWatcher } from '../controller/spec-watcher.js';
import { watchRolloutSpecs } from '../controller/watch-rollout-specs.js';
import type { LeaderDuties } from '../leader/leader-duties.js';
import type { LoadedSpec } from '../rollout-spec/load-spec-files.js';
import type { Ticker } from '../time/ticker.js';
import { WorkerSpecLoader } from './worker-spec-loader.js';

/**
 * Watches runtime.specsDir for the daemon: a new file registers its rollout as at start, a changed
 * one is reloaded (or refused), a removed one pauses its rollout; every replica remembers the
 * newest specs, only the leader acts on them. Files are parsed in a worker thread, so no file in
 * the directory can stall the API, the webhook or the ticks.
 */
export function watchSpecFiles(
  runtime: RuntimeConfig,
  initial: readonly LoadedSpec[],
  duties: LeaderDuties,
  deps: { watcher: FileWatcher; ticker: Ticker; logger: Logger },
): { close(): void } {
  const loader = new WorkerSpecLoader({ logger: deps.logger, ticker: deps.ticker });
  loader.start();
  const watch = watchRolloutSpecs(
    runtime.specsDir,
    initial,
    {
      added: ({ spec }) => duties.addSpec(spec),
      changed: ({ spec }) => duties.applySpec(spec.name, spec),
      removed: ({ spec, source }) => duties.removeSpec(spec.name, source),
    },
    {
      ...deps,
      check: (specs) => checkSpecReferences(specs, runtime),
      load: (paths) => loader.load(paths),
    },
  );
  return {
    close() {
      watch.close();
      loader.close();
    },
  };
}
