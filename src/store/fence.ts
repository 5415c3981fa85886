/**
 * The fencing token a replica writes with. The leader elector grants the epoch it obtained with
 * the lock and revokes it the moment leadership is in doubt; the store refuses state writes
 * without one, or with one older than the epoch stored in the database.
 */
export class WriterFence {
  private epoch: number | null = null;

  /** The epoch to write with, or null when this replica must not write state. */
  current(): number | null {
    return this.epoch;
  }

  grant(epoch: number): void {
    this.epoch = epoch;
  }

  revoke(): void {
    this.epoch = null;
  }
}
