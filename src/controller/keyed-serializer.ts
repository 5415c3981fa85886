/**
 * Runs async work one at a time per key (a rollout's ticks and spec reloads never overlap); work
 * for different keys runs concurrently. A failed run does not stop the ones queued after it.
 */
export class KeyedSerializer {
  private readonly chains = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.chains.set(key, tail);
    void tail.then(() => {
      if (this.chains.get(key) === tail) this.chains.delete(key);
    });
    return run;
  }
}
