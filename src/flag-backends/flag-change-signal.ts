import type { FlagRepository } from '../store/store.js';

/**
 * Tells the client API's streams that this process wrote a flag, so a rollback reaches streaming SDKs
 * without waiting for the next revision poll (which remains for writes by another replica).
 */
export class FlagChangeSignal {
  private readonly listeners = new Set<() => void>();

  /** Calls `listener` after every flag write; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(): void {
    for (const listener of this.listeners) listener();
  }
}

/** The repository with `signal` emitted after each committed `put`. */
export function signalFlagWrites(flags: FlagRepository, signal: FlagChangeSignal): FlagRepository {
  return {
    get: (key) => flags.get(key),
    list: () => flags.list(),
    revision: () => flags.revision(),
    async put(flag, at) {
      const written = await flags.put(flag, at);
      signal.emit();
      return written;
    },
  };
}
