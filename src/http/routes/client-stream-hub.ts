import type { Response } from 'express';
import { Gauge, type Registry } from 'prom-client';
import type { ClientFeatureSource, ClientFlagSnapshot } from '../../flag-backends/client-feature-source.js';
import type { FlagChangeSignal } from '../../flag-backends/flag-change-signal.js';
import type { FleetTracker } from '../../flag-backends/fleet/fleet-tracker.js';
import type { Scheduled, Ticker } from '../../time/ticker.js';

export interface ClientStreamOptions {
  ticker: Ticker;
  /** Flag writes of this process: pushed at once. */
  changes?: FlagChangeSignal;
  /** Open streams allowed; beyond it the SDK gets 429 and falls back to polling. Default 1000. */
  maxConnections?: number;
  /** A comment line this often keeps proxies and the SDK's 60 s read timeout from closing a quiet stream. */
  heartbeatMs?: number;
  /** How often the store's revision is read while streams are open, for writes by another replica. */
  revisionPollMs?: number;
}

interface Stream {
  res: Response;
  /** The client's features at a snapshot, filtered by its token and query. */
  render: (snapshot: ClientFlagSnapshot) => unknown[];
  appName: string;
  instanceId: string;
  revision: number;
}

/** A client that does not read its stream is dropped before it buffers more than this. */
const MAX_BUFFERED_BYTES = 1 << 20;

/**
 * The Unleash streaming endpoint's connections (GET /api/client/streaming, Server-Sent Events, as
 * unleash-client 6 reads it in `experimentalMode: { type: 'streaming' }`): `unleash-connected` with a
 * hydration on connect, `unleash-updated` with a hydration on every flag revision after it.
 */
export class ClientStreamHub {
  private readonly streams = new Set<Stream>();
  private readonly open: Gauge;
  private timers: Scheduled[] = [];
  private running: Promise<void> | undefined;
  private again = false;
  private readonly unsubscribe: (() => void) | undefined;

  constructor(
    private readonly source: ClientFeatureSource,
    private readonly options: ClientStreamOptions,
    registry: Registry,
    private readonly fleet?: FleetTracker,
  ) {
    const existing = registry.getSingleMetric('rampart_client_api_streams');
    this.open =
      (existing as Gauge | undefined) ??
      new Gauge({
        name: 'rampart_client_api_streams',
        help: 'Open streaming connections of unleash-client SDKs to the client API.',
        registers: [registry],
      });
    this.unsubscribe = options.changes?.subscribe(() => this.push());
  }

  get size(): number {
    return this.streams.size;
  }

  hasRoom(): boolean {
    return this.streams.size < (this.options.maxConnections ?? 1000);
  }

  /** Starts the event stream on `res` and sends the client's flags. */
  async accept(res: Response, stream: Omit<Stream, 'res' | 'revision'>): Promise<void> {
    const snapshot = await this.source.snapshot();
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    const entry: Stream = { ...stream, res, revision: -1 };
    this.streams.add(entry);
    this.open.set(this.streams.size);
    res.on('close', () => this.drop(entry));
    if (this.timers.length === 0) this.startTimers();
    this.send(entry, 'unleash-connected', snapshot);
  }

  /** A flag may have changed: push the new revision to every stream that lacks it. */
  push(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.broadcast()
      .catch(() => {
        // The store could not be read: the next write or revision poll retries.
      })
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.push();
        }
      });
  }

  /** Ends every stream (shutdown: the HTTP server cannot close while they are open). */
  close(): void {
    this.unsubscribe?.();
    for (const stream of [...this.streams]) stream.res.end();
    this.stopTimers();
  }

  private async broadcast(): Promise<void> {
    if (this.streams.size === 0) return;
    const snapshot = await this.source.snapshot();
    const revision = Number(snapshot.revision);
    for (const stream of this.streams) {
      if (stream.revision !== revision) this.send(stream, 'unleash-updated', snapshot);
    }
  }

  private send(stream: Stream, event: string, snapshot: ClientFlagSnapshot): void {
    const revision = Number(snapshot.revision);
    const eventId = Number.isFinite(revision) ? revision : 0;
    const data = JSON.stringify({
      events: [{ eventId, type: 'hydration', features: stream.render(snapshot), segments: [] }],
    });
    this.write(stream, `event: ${event}\nid: ${eventId}\ndata: ${data}\n\n`);
    stream.revision = revision;
    this.fleet?.fetched(stream.appName, stream.instanceId, 'streaming', eventId);
  }

  private write(stream: Stream, text: string): void {
    if (stream.res.writableLength > MAX_BUFFERED_BYTES) {
      stream.res.destroy();
      return;
    }
    stream.res.write(text);
  }

  private drop(stream: Stream): void {
    this.streams.delete(stream);
    this.open.set(this.streams.size);
    if (this.streams.size === 0) this.stopTimers();
  }

  private startTimers(): void {
    const { ticker } = this.options;
    this.timers = [
      ticker.every(this.options.heartbeatMs ?? 15_000, () => {
        for (const stream of this.streams) this.write(stream, ': heartbeat\n\n');
      }),
      ticker.every(this.options.revisionPollMs ?? 1000, () => this.push()),
    ];
  }

  private stopTimers(): void {
    for (const timer of this.timers) timer.cancel();
    this.timers = [];
  }
}
