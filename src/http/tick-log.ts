import type { Verdict } from '../analysis/verdict.js';
import type { TickReport } from '../controller/controller.js';

/** What the last completed tick of a rollout saw, for the read API and the status page. */
export interface LastTick {
  at: Date;
  verdicts: Verdict[];
  hold: string | null;
}

/**
 * Keeps the latest tick of each rollout in memory. Verdicts are recomputed every tick, so losing
 * them on restart costs one tick, while storing them would write to the store on every tick.
 */
export class TickLog {
  private readonly last = new Map<string, LastTick>();

  record(rollout: string, report: TickReport, at: Date): void {
    this.last.set(rollout, { at, verdicts: report.verdicts, hold: report.hold });
  }

  get(rollout: string): LastTick | undefined {
    return this.last.get(rollout);
  }
}
