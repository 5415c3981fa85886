import type { RuntimeConfig } from '../config/resolve-config.js';
import type { Logger } from '../controller/logger.js';
import type { Leadership } from '../leader/leadership.js';
import { PostgresLeaderElector } from '../leader/postgres-leader-elector.js';
import { SoleLeadership } from '../leader/sole-leadership.js';
import { WriterFence } from '../store/fence.js';
import { openPostgresStore } from '../store/open-postgres-store.js';
import { openSqliteStore } from '../store/open-sqlite-store.js';
import type { SqlStore } from '../store/sql-store.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../time/clock.js';
import type { Ticker } from '../time/ticker.js';

export interface OpenedStore {
  store: Store;
  /** The PostgreSQL store when several replicas share one (for NOTIFY and the queue poll). */
  shared: SqlStore | undefined;
  leadership: Leadership;
}

/**
 * Opens the configured store and the matching leadership: several replicas share a PostgreSQL
 * store and elect one leader by advisory lock (fenced by epoch); alone on SQLite, one always leads.
 */
export async function openStoreAndLeadership(
  runtime: RuntimeConfig,
  deps: {
    replica: string;
    clock: Clock;
    ticker: Ticker;
    logger: Logger;
    open?: (r: RuntimeConfig) => Promise<Store>;
  },
): Promise<OpenedStore> {
  if (deps.open)
    return {
      store: await deps.open(runtime),
      shared: undefined,
      leadership: new SoleLeadership(deps.replica),
    };
  if (runtime.store.kind === 'sqlite') {
    const store = await openSqliteStore({ path: runtime.store.path });
    return { store, shared: undefined, leadership: new SoleLeadership(deps.replica) };
  }
  const fence = new WriterFence();
  const { url, password } = runtime.store;
  const shared = await openPostgresStore({ url, password, fence });
  const leadership = new PostgresLeaderElector({
    location: { url, password },
    replica: deps.replica,
    fence,
    clock: deps.clock,
    ticker: deps.ticker,
    logger: deps.logger,
  });
  return { store: shared, shared, leadership };
}
