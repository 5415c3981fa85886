import { watch } from 'node:fs';
import { dirname } from 'node:path';
import type { LoadedSpec } from '../rollout-spec/load-spec-files.js';
import type { Scheduled, Ticker } from '../time/ticker.js';
import type { Logger } from './logger.js';
import { silentLogger } from './logger.js';
import { diffSpecDirectory, type SpecScan } from './spec-directory-diff.js';

/** Something that calls back when a directory's entries may have changed (fs.watch, or a fake in tests). */
export interface FileWatcher {
  /** Calls `onChange` whenever something in `dir` may have changed; returns a handle that stops watching. */
  watch(dir: string, onChange: () => void, onError: (error: Error) => void): { close(): void };
}

/**
 * Watches directories, not files: an atomic save (editor, `sed -i`, git checkout, a ConfigMap
 * swap) replaces the file by a rename, after which a watch on the old file never fires again. One
 * watch per directory, not `recursive` (on Linux, Node 20 emulates that by polling every file).
 */
export const fsFileWatcher: FileWatcher = {
  watch(dir, onChange, onError) {
    const watcher = watch(dir, { persistent: false }, () => onChange());
    watcher.on('error', onError);
    return watcher;
  },
};

/** What the watcher does with each difference; a handler that throws is logged, the others still run. */
export interface SpecDirectoryHandlers {
  added(loaded: LoadedSpec): Promise<unknown>;
  changed(loaded: LoadedSpec): Promise<unknown>;
  removed(loaded: LoadedSpec): Promise<unknown>;
}

export interface SpecDirectoryOptions {
  watcher: FileWatcher;
  ticker: Ticker;
  /** Events come in bursts (a save is several); one scan this long after the last event. */
  debounceMs: number;
  /** Reads every spec under the directory; throws when the directory cannot be read at all. */
  scan: () => Promise<SpecScan>;
  handlers: SpecDirectoryHandlers;
  logger?: Logger;
}

export interface SpecDirectoryWatch {
  close(): void;
  /** Resolves when the scans started so far are done (tests; a debounce still waiting is not one). */
  settled(): Promise<void>;
}

/**
 * Re-reads the whole spec directory after any event in it (files are re-resolved on each scan) and
 * hands each rollout's addition, change or removal on. Scans run one at a time.
 */
export function watchSpecDirectory(
  root: string,
  initial: readonly LoadedSpec[],
  options: SpecDirectoryOptions,
): SpecDirectoryWatch {
  const logger = options.logger ?? silentLogger;
  let known = new Map(initial.map((l) => [l.spec.name, l]));
  let chain: Promise<void> = Promise.resolve();
  let pending: Scheduled | undefined;
  let closed = false;
  const handles = new Map<string, { close(): void }>();

  const onEvent = (): void => {
    if (closed) return;
    pending?.cancel();
    pending = options.ticker.after(options.debounceMs, () => {
      pending = undefined;
      chain = chain.then(rescan);
    });
  };
  const watchDirs = (dirs: Set<string>): void => {
    for (const [dir, handle] of handles) {
      if (dirs.has(dir)) continue;
      handle.close();
      handles.delete(dir);
    }
    for (const dir of dirs) {
      if (handles.has(dir)) continue;
      try {
        handles.set(
          dir,
          options.watcher.watch(dir, onEvent, (error) =>
            logger.warn({ dir, err: String(error) }, 'spec directory watch failed'),
          ),
        );
      } catch (error) {
        logger.warn({ dir, err: String(error) }, 'cannot watch spec directory; changes there need a restart');
      }
    }
  };
  const dirsOf = (sources: Iterable<string>): Set<string> =>
    new Set([root, ...[...sources].map((s) => dirname(s))]);

  const rescan = async (): Promise<void> => {
    if (closed) return;
    let scan: SpecScan;
    try {
      scan = await options.scan();
    } catch (error) {
      logger.warn(
        { dir: root, err: String(error) },
        'spec directory not readable; rollouts keep their specs',
      );
      return;
    }
    const diff = diffSpecDirectory(known, scan);
    known = diff.next;
    watchDirs(dirsOf([...[...known.values()].map((l) => l.source), ...scan.failedSources]));
    const steps: [keyof SpecDirectoryHandlers, LoadedSpec[]][] = [
      ['removed', diff.removed],
      ['changed', diff.changed],
      ['added', diff.added],
    ];
    for (const [kind, list] of steps) {
      for (const loaded of list) {
        try {
          await options.handlers[kind](loaded);
        } catch (error) {
          logger.error(
            { rollout: loaded.spec.name, source: loaded.source, err: String(error) },
            `spec ${kind}: not handled`,
          );
        }
      }
    }
  };

  watchDirs(dirsOf(initial.map((l) => l.source)));
  return {
    close() {
      closed = true;
      pending?.cancel();
      for (const handle of handles.values()) handle.close();
      handles.clear();
    },
    settled: () => chain,
  };
}
