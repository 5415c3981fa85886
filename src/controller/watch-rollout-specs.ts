import type { Issue } from '../errors/validation-error.js';
import { formatIssue } from '../errors/validation-error.js';
import { type LoadedSpec, loadRolloutSpecs } from '../rollout-spec/load-spec-files.js';
import type { Ticker } from '../time/ticker.js';
import type { Logger } from './logger.js';
import type { SpecScan } from './spec-directory-diff.js';
import {
  type FileWatcher,
  type SpecDirectoryHandlers,
  type SpecDirectoryWatch,
  watchSpecDirectory,
} from './spec-watcher.js';

/** Long enough to see an editor's write-then-rename as one change, short enough to feel immediate. */
const SPEC_DEBOUNCE_MS = 250;

export interface WatchRolloutSpecsOptions {
  watcher: FileWatcher;
  ticker: Ticker;
  logger: Logger;
  /** What the configuration cannot satisfy (e.g. an unknown flag backend): such a file is not loaded. */
  check: (specs: readonly LoadedSpec[]) => Issue[];
  debounceMs?: number;
  /** Reads and parses the spec files (default: loadRolloutSpecs on this thread; the daemon uses a worker). */
  load?: typeof loadRolloutSpecs;
}

/**
 * Reads the spec directory after every change in it and passes on each rollout that was added,
 * changed or removed. A file that does not load (syntax, schema, references) is logged with every
 * problem and its rollout keeps the spec it runs with.
 */
export function watchRolloutSpecs(
  dir: string,
  initial: readonly LoadedSpec[],
  handlers: SpecDirectoryHandlers,
  options: WatchRolloutSpecsOptions,
): SpecDirectoryWatch {
  const { logger } = options;
  const scan = async (): Promise<SpecScan> => {
    const loaded = await (options.load ?? loadRolloutSpecs)([dir]);
    const issues = [...(loaded.error?.issues ?? []), ...options.check(loaded.specs)];
    // A missing directory (mid-swap, unmounted) is no reason to remove every rollout.
    if (issues.some((i) => i.source === dir)) throw new Error(`cannot read ${dir}`);
    if (issues.length > 0) {
      logger.warn(
        { problems: issues.map(formatIssue) },
        'spec file change not applied; the rollout keeps its spec',
      );
    }
    const failedSources = new Set(issues.map((i) => i.source));
    return { specs: loaded.specs.filter((s) => !failedSources.has(s.source)), failedSources };
  };
  return watchSpecDirectory(dir, initial, {
    watcher: options.watcher,
    ticker: options.ticker,
    debounceMs: options.debounceMs ?? SPEC_DEBOUNCE_MS,
    scan,
    handlers,
    logger,
  });
}
