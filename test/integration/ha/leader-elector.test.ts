import { createServer, type Server, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresLeaderElector } from '../../../src/leader/postgres-leader-elector.js';
import { WriterFence } from '../../../src/store/fence.js';
import { openPostgresStore } from '../../../src/store/open-postgres-store.js';
import type { SqlStore } from '../../../src/store/sql-store.js';
import { systemClock } from '../../../src/time/clock.js';
import { createSystemTicker } from '../../../src/time/system-ticker.js';
import { type PostgresServer, startPostgres } from '../../support/postgres.js';
import { draft, state } from '../../support/store-contract.js';

/** A TCP proxy to PostgreSQL whose open connections can be frozen: a network partition, no FIN, no RST. */
class FreezableProxy {
  private readonly server: Server;
  private readonly pairs: { client: Socket; upstream: Socket; frozen: boolean }[] = [];
  private partitioned = false;

  constructor(private readonly targetPort: number) {
    this.server = createServer((client) => {
      if (this.partitioned) {
        client.destroy();
        return;
      }
      const upstream = new Socket();
      const pair = { client, upstream, frozen: false };
      this.pairs.push(pair);
      upstream.connect(this.targetPort, '127.0.0.1');
      client.pipe(upstream);
      upstream.pipe(client);
      const close = () => {
        if (pair.frozen) return;
        client.destroy();
        upstream.destroy();
      };
      client.on('close', close).on('error', close);
      upstream.on('close', close).on('error', close);
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve) =>
      this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as { port: number }).port)),
    );
  }

  /** Stops every open connection dead and refuses new ones, until `heal`. */
  freeze(): void {
    this.partitioned = true;
    for (const pair of this.pairs) {
      pair.frozen = true;
      pair.client.unpipe(pair.upstream);
      pair.upstream.unpipe(pair.client);
      pair.client.pause();
      pair.upstream.pause();
    }
  }

  /** New connections go through again (frozen ones stay dead). */
  heal(): void {
    this.partitioned = false;
  }

  close(): Promise<void> {
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let server: PostgresServer;
const cleanup: (() => Promise<void>)[] = [];
const ticker = createSystemTicker();

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);

afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
  await server?.stop();
});

async function until(what: string, probe: () => boolean, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (probe()) return Date.now();
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${what} not within ${timeoutMs} ms`);
}

function elector(url: string, replica: string, fence: WriterFence) {
  const events: { what: string; at: number; epoch?: number }[] = [];
  const e = new PostgresLeaderElector({
    location: { url },
    replica,
    fence,
    clock: systemClock,
    ticker,
    heartbeatMs: 200,
    heartbeatTimeoutMs: 500,
    retryMs: 100,
    takeoverDelayMs: 700,
    sessionTimeoutMs: 1_500,
    rejoinDelayMs: 500,
  });
  const start = () =>
    e.start({
      elected: async (epoch) => {
        events.push({ what: 'elected', at: Date.now(), epoch });
      },
      deposed: () => {
        events.push({ what: 'deposed', at: Date.now() });
      },
    });
  cleanup.push(() => e.stop());
  return { e, events, start };
}

describe('PostgresLeaderElector', () => {
  it('a leader cut off by a partition stops acting before the server frees its lock for the next one', async () => {
    const url = await server.createDatabase('elector');
    const store: SqlStore = await openPostgresStore({ url });
    cleanup.push(() => store.close());
    const proxy = new FreezableProxy(server.port);
    const proxyPort = await proxy.listen();
    cleanup.push(() => proxy.close());

    const fenceA = new WriterFence();
    const fencedA = await openPostgresStore({ url, fence: fenceA });
    cleanup.push(() => fencedA.close());
    const a = elector(url.replace(`:${server.port}/`, `:${proxyPort}/`), 'A', fenceA);
    const b = elector(url, 'B', new WriterFence());
    await a.start();
    await until('A leads', () => a.e.isLeader());
    expect(a.events).toMatchObject([{ what: 'elected', epoch: 1 }]);
    await fencedA.createRollout(state(), [draft('created')]);
    await b.start();
    await until('B sees A lead', () => b.e.leader()?.replica === 'A');
    expect(b.e.isLeader()).toBe(false);

    const cutAt = Date.now();
    proxy.freeze();
    const deposedAt = await until('A deposed', () => a.events.some((e) => e.what === 'deposed'));
    expect(fenceA.current()).toBeNull();
    await expect(
      fencedA.saveRollout(state({ percentage: 5 }), { expectedVersion: 1, audit: [draft('advanced')] }),
    ).rejects.toMatchObject({ name: 'StoreError', code: 'fenced' });
    const electedAt = await until('B leads', () => b.e.isLeader());
    console.log(`partition: A stopped after ${deposedAt - cutAt} ms, B acted after ${electedAt - cutAt} ms`);
    expect(deposedAt).toBeLessThan(electedAt);
    expect(b.events).toMatchObject([{ what: 'elected', epoch: 2 }]);
    expect(await store.leadership()).toMatchObject({ epoch: 2, holder: 'B' });

    // The partition heals and B steps down cleanly: A reconnects and leads again with a newer epoch.
    proxy.heal();
    await b.e.stop();
    expect(b.events.at(-1)?.what).toBe('deposed');
    await until('A leads again', () => a.e.isLeader());
    expect(a.e.leader()).toEqual({ replica: 'A', epoch: 3 });
    expect(fenceA.current()).toBe(3);
  }, 60_000);
});
