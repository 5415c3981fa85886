import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerSpecLoader } from '../../../src/compose/worker-spec-loader.js';
import { silentLogger } from '../../../src/controller/logger.js';
import { loadRolloutSpecs } from '../../../src/rollout-spec/load-spec-files.js';
import { systemTicker } from '../../../src/time/system-ticker.js';

const loaders: WorkerSpecLoader[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const l of loaders.splice(0)) l.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function loader(options: { timeoutMs?: number } = {}): WorkerSpecLoader {
  const warnings: string[] = [];
  const l = new WorkerSpecLoader({
    ...options,
    ticker: systemTicker,
    logger: { ...silentLogger, warn: (_o, m) => warnings.push(String(m)) },
  });
  loaders.push(l);
  return l;
}

describe('WorkerSpecLoader', () => {
  it('loads in a worker exactly what loadRolloutSpecs loads, specs and issues alike', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-worker-'));
    dirs.push(dir);
    writeFileSync(
      join(dir, 'broken.yaml'),
      'apiVersion: rampart/v1\nkind: Rollout\nname: x\nsteps: [1, 1]\n',
    );
    const paths = ['flags/', dir];
    const inThread = await loadRolloutSpecs(paths);
    const inWorker = await loader().load(paths);
    expect(inWorker.specs.length).toBeGreaterThan(0);
    // Deep-equal as the watcher compares specs (prototypes included): a clone must not look changed.
    expect(isDeepStrictEqual(inWorker.specs, inThread.specs)).toBe(true);
    expect(inWorker.error?.issues).toEqual(inThread.error?.issues);
    // Starting a worker from source compiles TypeScript in it: seconds on a busy machine.
  }, 60_000);

  it('abandons a scan past its timeout with an error (the watcher then keeps every spec)', async () => {
    await expect(loader({ timeoutMs: 1 }).load(['flags/'])).rejects.toThrow(/took over 1 ms/);
  });
});
