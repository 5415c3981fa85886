import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gauge, Registry } from 'prom-client';
import { serveRegistry } from '../../support/serve-registry.js';

/**
 * The condition the e2e alert rule watches: a gauge `e2e_alert_drill` the test switches to 1,
 * served at http://127.0.0.1:PORT/metrics for Prometheus to scrape.
 */
export class AlertDrill {
  private readonly registry = new Registry();
  private readonly gauge = new Gauge({
    name: 'e2e_alert_drill',
    help: 'Set to 1 by the end-to-end test to make its alert rule fire.',
    registers: [this.registry],
  });
  private server: Server | undefined;

  constructor() {
    this.gauge.set(0);
  }

  /** `host:port` for a scrape job. */
  get target(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('alert drill is not listening');
    return `127.0.0.1:${address.port}`;
  }

  async start(): Promise<void> {
    const server = await serveRegistry(this.registry);
    this.server = server;
  }

  set(on: boolean): void {
    this.gauge.set(on ? 1 : 0);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
