import type { IdempotencyRecord, IdempotencyRecords } from '../store/store.js';

/** IdempotencyRecords in memory (the simulator serves no API; this keeps MemoryStore a Store). */
export class MemoryIdempotencyRecords implements IdempotencyRecords {
  private readonly records = new Map<string, IdempotencyRecord>();

  async claim(request: Omit<IdempotencyRecord, 'outcome'>) {
    const id = `${request.scope}\0${request.key}`;
    const found = this.records.get(id);
    if (found) return { fresh: false, record: structuredClone(found) };
    const record = { ...request, outcome: null };
    this.records.set(id, record);
    return { fresh: true, record: structuredClone(record) };
  }

  async complete(scope: string, key: string, outcome: { status: number; body: string }) {
    const record = this.records.get(`${scope}\0${key}`);
    if (!record) return outcome;
    record.outcome ??= { ...outcome };
    return { ...record.outcome };
  }

  async release(scope: string, key: string): Promise<void> {
    const id = `${scope}\0${key}`;
    if (this.records.get(id)?.outcome === null) this.records.delete(id);
  }

  async prune(before: Date): Promise<number> {
    let pruned = 0;
    for (const [id, record] of this.records) {
      if (record.createdAt.getTime() >= before.getTime()) continue;
      this.records.delete(id);
      pruned += 1;
    }
    return pruned;
  }
}
