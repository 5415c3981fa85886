import pg from 'pg';
import type { Logger } from '../controller/logger.js';
import { silentLogger } from '../controller/logger.js';
import type { WriterFence } from '../store/fence.js';
import { type PostgresLocation, postgresClientConfig } from '../store/postgres-connection.js';
import { ADVISORY_KEYS, ADVISORY_NAMESPACE } from '../store/write-locks.js';
import type { Clock } from '../time/clock.js';
import type { Scheduled, Ticker } from '../time/ticker.js';
import type { Leadership, LeadershipEvents, LeaderView } from './leadership.js';

/** Followers NOTIFY this channel with a rollout name after queueing a command for it. */
export const COMMANDS_CHANNEL = 'rampart_commands';

export interface PostgresLeaderOptions {
  location: PostgresLocation;
  replica: string;
  /** Granted the epoch while the lock is held, revoked the moment it may not be. */
  fence: WriterFence;
  clock: Clock;
  ticker: Ticker;
  logger?: Logger;
  /** `SELECT 1` on the lock session this often while leading (default 500 ms). */
  heartbeatMs?: number;
  /** A heartbeat (or lock attempt) slower than this counts as a lost session (default 1000 ms). */
  heartbeatTimeoutMs?: number;
  /** A follower tries the lock this often (default 250 ms). */
  retryMs?: number;
  /**
   * A new leader waits this long after taking the lock before it acts, so a deposed leader that
   * has not yet noticed (at most one heartbeat plus its timeout) has stopped. Its store writes are
   * refused from the epoch bump on anyway. Default heartbeatMs + heartbeatTimeoutMs.
   */
  takeoverDelayMs?: number;
  /**
   * The server ends the lock session when it hears nothing for this long (idle_session_timeout,
   * PostgreSQL 14+), which frees the lock when this replica is cut off without the connection
   * closing (default 3000 ms; heartbeats keep it alive).
   */
  sessionTimeoutMs?: number;
  /** After losing leadership, wait this long before campaigning again, so a healthier replica takes over (default 1000 ms). */
  rejoinDelayMs?: number;
}

const LEADER_QUERY = `select l.holder, l.epoch, exists(
  select 1 from pg_locks p where p.locktype = 'advisory' and p.granted
    and p.classid = $1::int4::oid and p.objid = $2::int4::oid and p.objsubid = 2) as held
  from leadership l where l.id = 1`;

/**
 * Leader election on PostgreSQL: a session-level advisory lock (pg_try_advisory_lock) on a
 * dedicated connection that nothing else uses. Taking it bumps the epoch row in the same session
 * (the fencing token); a heartbeat proves the session is alive. Any error, timeout or end of that
 * connection deposes this replica at once: the fence is revoked and `deposed` runs before the
 * connection is closed (which is what lets another replica take the lock).
 */
export class PostgresLeaderElector implements Leadership {
  readonly replica: string;
  private readonly logger: Logger;
  private readonly heartbeatMs: number;
  private readonly timeoutMs: number;
  private readonly retryMs: number;
  private readonly takeoverDelayMs: number;
  private readonly rejoinDelayMs: number;
  private rejoinAt = 0;
  private events: LeadershipEvents | undefined;
  private client: pg.Client | undefined;
  private epoch: number | null = null;
  private actAt = 0;
  private acting = false;
  private seen: LeaderView | null = null;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private sleeping: { timer: Scheduled; wake: () => void } | undefined;

  constructor(private readonly options: PostgresLeaderOptions) {
    this.replica = options.replica;
    this.logger = options.logger ?? silentLogger;
    this.heartbeatMs = options.heartbeatMs ?? 500;
    this.timeoutMs = options.heartbeatTimeoutMs ?? 1_000;
    this.retryMs = options.retryMs ?? 250;
    this.takeoverDelayMs = options.takeoverDelayMs ?? this.heartbeatMs + this.timeoutMs;
    this.rejoinDelayMs = options.rejoinDelayMs ?? 1_000;
  }

  isLeader(): boolean {
    return this.acting;
  }

  leader(): LeaderView | null {
    return this.epoch === null ? this.seen : { replica: this.replica, epoch: this.epoch };
  }

  async start(events: LeadershipEvents): Promise<void> {
    this.events = events;
    const wait = await this.step();
    this.loop = this.run(wait);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeping?.wake();
    await this.loop;
    this.lose('shutting down', this.client);
  }

  private async run(firstWait: number): Promise<void> {
    let wait = firstWait;
    while (!this.stopped) {
      await this.sleep(wait);
      if (this.stopped) return;
      wait = await this.step();
    }
  }

  /** One round: connect, then campaign (follower) or heartbeat (leader). Returns ms until the next. */
  private async step(): Promise<number> {
    const holdOff = this.rejoinAt - this.options.clock.now().getTime();
    if (this.epoch === null && holdOff > 0) return holdOff;
    let client = this.client;
    try {
      client ??= await this.connect();
      if (this.epoch === null) return await this.campaign(client);
      await client.query('select 1');
      if (!this.acting && this.options.clock.now().getTime() >= this.actAt) this.act(client);
      return this.acting ? this.heartbeatMs : Math.min(this.heartbeatMs, this.untilAct());
    } catch (error) {
      this.lose(`database session failed: ${error instanceof Error ? error.message : String(error)}`, client);
      return this.retryMs;
    }
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({
      ...postgresClientConfig(this.options.location),
      application_name: `rampart-leader ${this.replica}`,
      keepAlive: true,
      query_timeout: this.timeoutMs,
    });
    client.on('error', (error) => this.lose(`database session error: ${error.message}`, client));
    client.on('end', () => this.lose('database session ended', client));
    client.on('notification', (message) => {
      if (this.acting && message.channel === COMMANDS_CHANNEL && message.payload)
        this.events?.commandQueued?.(message.payload);
    });
    try {
      await client.connect();
    } catch (error) {
      client.end().catch(() => undefined);
      throw error;
    }
    // Older servers lack the setting; they free the lock when TCP keepalive gives the session up.
    await client
      .query(`set idle_session_timeout = ${Math.round(this.options.sessionTimeoutMs ?? 3_000)}`)
      .catch(() => undefined);
    this.client = client;
    return client;
  }

  private async campaign(client: pg.Client): Promise<number> {
    const tried = await client.query<{ got: boolean }>(
      'select pg_try_advisory_lock($1::int4, $2::int4) as got',
      [ADVISORY_NAMESPACE, ADVISORY_KEYS.leader],
    );
    if (!tried.rows[0]?.got) {
      const seen = await client.query<{ holder: string | null; epoch: number; held: boolean }>(LEADER_QUERY, [
        ADVISORY_NAMESPACE,
        ADVISORY_KEYS.leader,
      ]);
      const row = seen.rows[0];
      this.seen = row?.held && row.holder ? { replica: row.holder, epoch: Number(row.epoch) } : null;
      return this.retryMs;
    }
    // The bump waits for writes of the old epoch in flight (they hold the row FOR SHARE).
    const now = this.options.clock.now();
    // pg honours a per-query query_timeout (its types omit it): the bump may wait longer than a heartbeat.
    const bump: pg.QueryConfig & { query_timeout: number } = {
      text: 'update leadership set epoch = epoch + 1, holder = $1, acquired_at = $2 where id = 1 returning epoch',
      values: [this.replica, now.toISOString()],
      query_timeout: 10_000,
    };
    const bumped = await client.query<{ epoch: number }>(bump);
    const epoch = Number(bumped.rows[0]?.epoch);
    if (!Number.isInteger(epoch)) throw new Error('the leadership row is missing; was the store migrated?');
    await client.query(`listen ${COMMANDS_CHANNEL}`);
    this.epoch = epoch;
    this.options.fence.grant(epoch);
    this.actAt = now.getTime() + this.takeoverDelayMs;
    this.logger.info(
      { replica: this.replica, epoch, actingInMs: this.takeoverDelayMs },
      'leadership acquired; fenced writes use the new epoch',
    );
    return Math.min(this.heartbeatMs, this.untilAct());
  }

  private act(client: pg.Client): void {
    const epoch = this.epoch;
    if (epoch === null) return;
    this.acting = true;
    this.logger.info({ replica: this.replica, epoch }, 'leading: acting on rollouts');
    this.events?.elected(epoch).catch((error: unknown) => {
      this.logger.error({ replica: this.replica, epoch, err: String(error) }, 'could not start acting');
      this.lose('could not start acting', client);
    });
  }

  /** Stops acting now (fence first), then drops the session so its lock is released. */
  private lose(reason: string, client: pg.Client | undefined): void {
    if (client === undefined || client !== this.client) return;
    this.client = undefined;
    const epoch = this.epoch;
    this.options.fence.revoke();
    this.epoch = null;
    if (this.acting) {
      this.acting = false;
      this.events?.deposed(reason);
    }
    if (epoch !== null) {
      this.rejoinAt = this.options.clock.now().getTime() + this.rejoinDelayMs;
      const log = reason === 'shutting down' ? this.logger.info : this.logger.warn;
      log.call(this.logger, { replica: this.replica, epoch, reason }, 'leadership lost; stopped acting');
    }
    client.end().catch(() => undefined);
  }

  private untilAct(): number {
    return Math.max(0, this.actAt - this.options.clock.now().getTime());
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        timer.cancel();
        this.sleeping = undefined;
        resolve();
      };
      const timer = this.options.ticker.after(ms, wake);
      this.sleeping = { timer, wake };
    });
  }
}
