// The worker thread behind WorkerSpecLoader: reads and parses spec files off the daemon's event
// loop, so a hostile or huge file in a watched directory cannot hold up ticks, the API or the webhook.
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { loadRolloutSpecs } from '../rollout-spec/load-spec-files.js';

// Lowest CPU priority for this thread only (on Linux, priority 0 names the calling thread): a
// reload may take its time, the event loop serving requests and ticks must not wait for a core.
try {
  setPriority(19);
} catch {
  // Not permitted or not supported here: parsing still runs off the event loop.
}

parentPort?.on('message', async (message: { id: number; paths: string[] }) => {
  try {
    const loaded = await loadRolloutSpecs(message.paths);
    parentPort?.postMessage({ id: message.id, specs: loaded.specs, issues: loaded.error?.issues });
  } catch (error) {
    parentPort?.postMessage({
      id: message.id,
      failure: error instanceof Error ? error.message : String(error),
    });
  }
});
