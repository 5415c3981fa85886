/** A failed login that will be retried at simulated time `t`. */
export interface Retry {
  t: number;
  user: number;
  id: number;
  attempt: number;
  /** The attempt before failed at the password step or errored (an MFA failure does not count). */
  afterFailure: boolean;
}

/** Pending retries as a binary min-heap on `t` (the traffic model takes the earliest one next). */
export class RetryQueue {
  private readonly heap: Retry[] = [];

  /** The earliest pending retry, if any. */
  peek(): Retry | undefined {
    return this.heap[0];
  }

  push(r: Retry): void {
    const h = this.heap;
    h.push(r);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p] as Retry;
      if (parent.t <= r.t) break;
      h[i] = parent;
      i = p;
    }
    h[i] = r;
  }

  /** Removes the earliest pending retry (the one `peek` returned). */
  pop(): void {
    const h = this.heap;
    const last = h.pop() as Retry;
    if (h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const rgt = l + 1;
      const child = rgt < h.length && (h[rgt] as Retry).t < (h[l] as Retry).t ? rgt : l;
      if ((h[child] as Retry).t >= last.t) break;
      h[i] = h[child] as Retry;
      i = child;
    }
    h[i] = last;
  }
}
