/** Who leads, as this replica last saw it. */
export interface LeaderView {
  /** Replica id of the leader (hostname:pid, or RAMPART_REPLICA_ID). */
  replica: string;
  /** Its leadership epoch (fencing token); 0 with a single replica. */
  epoch: number;
}

/** What a replica does when leadership comes and goes. */
export interface LeadershipEvents {
  /** Leadership is held and fenced: start acting (register specs, tick rollouts). */
  elected(epoch: number): Promise<void>;
  /** Leadership is in doubt: stop acting at once (synchronously, before anything else runs). */
  deposed(reason: string): void;
  /** The leader was told that commands wait in the queue of `rollout` (LISTEN/NOTIFY). */
  commandQueued?(rollout: string): void;
}

/** Decides which replica acts. One implementation per deployment shape (one replica, PostgreSQL). */
export interface Leadership {
  /** This replica's id. */
  readonly replica: string;
  /** True while this replica leads and acts (after `elected`, until `deposed`). */
  isLeader(): boolean;
  /** The leader as last seen, or null when none holds the lock. */
  leader(): LeaderView | null;
  /** Starts campaigning; resolves once the first attempt is made (for one replica: once elected). */
  start(events: LeadershipEvents): Promise<void>;
  /** Gives leadership up (deposed first) and releases it for another replica. */
  stop(): Promise<void>;
}
