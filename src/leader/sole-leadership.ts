import type { Leadership, LeadershipEvents, LeaderView } from './leadership.js';

/** One replica on SQLite: always the leader, epoch 0, nothing to elect or fence. */
export class SoleLeadership implements Leadership {
  private events: LeadershipEvents | undefined;
  private leading = false;

  constructor(readonly replica: string) {}

  isLeader(): boolean {
    return this.leading;
  }

  leader(): LeaderView | null {
    return this.leading ? { replica: this.replica, epoch: 0 } : null;
  }

  async start(events: LeadershipEvents): Promise<void> {
    this.events = events;
    this.leading = true;
    await events.elected(0);
  }

  async stop(): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    this.events?.deposed('shutting down');
  }
}
