import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../controller/logger.js';
import { type Issue, ValidationError } from '../errors/validation-error.js';
import { type LoadedSpec, loadRolloutSpecs } from '../rollout-spec/load-spec-files.js';
import type { Ticker } from '../time/ticker.js';

type Loaded = Awaited<ReturnType<typeof loadRolloutSpecs>>;

interface Reply {
  id: number;
  specs?: LoadedSpec[];
  issues?: readonly Issue[];
  failure?: string;
}

export interface WorkerSpecLoaderOptions {
  logger: Logger;
  /** Times each scan out. */
  ticker: Ticker;
  /** A scan taking longer is abandoned (the worker is restarted) and counts as unreadable. */
  timeoutMs?: number;
  /** Heap of the worker; a file that needs more kills the worker, not the daemon. */
  maxHeapMb?: number;
}

/**
 * loadRolloutSpecs in a worker thread, for watched reloads: parsing the largest or most
 * pathological file the limits allow takes from tens to hundreds of milliseconds of CPU, which on
 * the event loop would delay every request, tick and webhook behind it. One long-lived worker, started
 * on first use; it is restarted after a crash or a timeout. Where the worker's module cannot be
 * loaded (a bundle without it), loading falls back to this thread and says so once.
 */
export class WorkerSpecLoader {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private inThread = false;

  constructor(private readonly options: WorkerSpecLoaderOptions) {}

  async load(paths: readonly string[]): Promise<Loaded> {
    if (this.inThread) return loadRolloutSpecs(paths);
    const reply = await this.ask([...paths]);
    if (reply.failure !== undefined) throw new Error(reply.failure);
    const specs = reply.specs ?? [];
    return reply.issues ? { specs, error: new ValidationError(reply.issues) } : { specs };
  }

  /** Starts the worker ahead of the first reload (from source, loading it takes seconds). */
  start(): void {
    if (!this.inThread) this.started();
  }

  close(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private ask(paths: string[]): Promise<Reply> {
    const worker = this.started();
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      const timer = this.options.ticker.after(this.timeoutMs, () => {
        this.fail(new Error(`reading the spec files took over ${this.timeoutMs} ms`));
        this.close();
      });
      this.pending.set(id, {
        resolve: (r) => {
          timer.cancel();
          resolve(r);
        },
        reject: (e) => {
          timer.cancel();
          reject(e);
        },
      });
      worker.postMessage({ id, paths });
    }).catch(async (error: unknown) => {
      if (!this.inThread && isMissingModule(error)) {
        this.inThread = true;
        this.options.logger.warn(
          { err: String(error) },
          'spec loader worker unavailable; spec files are read on the main thread',
        );
        return { id, ...(await inThreadReply(paths)) };
      }
      throw error;
    });
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 30_000;
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const ext = extname(fileURLToPath(import.meta.url));
    const entry = new URL(`./spec-load-worker${ext}`, import.meta.url);
    // From source (.ts, tests and tsx) a worker cannot start from a .ts file: a small ESM shim
    // registers tsx (a dev dependency, there whenever the source is run) and imports the entry.
    const shim =
      ext === '.ts'
        ? `import { register } from ${JSON.stringify(tsxApi())}; register(); await import(${JSON.stringify(entry.href)});`
        : undefined;
    const worker = new Worker(shim ? new URL(`data:text/javascript,${encodeURIComponent(shim)}`) : entry, {
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb ?? 256 },
    });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      waiting?.resolve(reply);
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.fail(new Error(`spec loader worker exited with code ${code}`));
    });
    this.worker = worker;
    return worker;
  }

  private fail(error: Error): void {
    for (const [id, waiting] of this.pending) {
      this.pending.delete(id);
      waiting.reject(error);
    }
  }
}

function isMissingModule(error: unknown): boolean {
  // The CommonJS loader (a worker's entry file) and the ESM loader (its imports) name it differently.
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  return code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
}

async function inThreadReply(paths: readonly string[]): Promise<Omit<Reply, 'id'>> {
  const loaded = await loadRolloutSpecs(paths);
  return { specs: loaded.specs, issues: loaded.error?.issues };
}

/** tsx's ESM API (the `import` export of tsx/esm/api; require.resolve gives its CommonJS twin). */
function tsxApi(): string {
  const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  return pathToFileURL(cjs.replace(/\.cjs$/, '.mjs')).href;
}
