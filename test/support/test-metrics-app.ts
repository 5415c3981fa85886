import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Registry } from 'prom-client';
import { serveRegistry } from './serve-registry.js';

const VARIANTS = ['treatment', 'control'] as const;
const RESULTS = ['success', 'failure'] as const;
/** Per-variant counters of the metrics contract besides login attempts (see docs/architecture.md). */
const VARIANT_COUNTERS = [
  'logouts_total',
  'flag_exposures_total',
  'mfa_enrollment_owner_mismatch_total',
] as const;
export type VariantCounter = (typeof VARIANT_COUNTERS)[number];

/**
 * A tiny app exposing prom-client counters at http://127.0.0.1:PORT/metrics. `restart()` closes the
 * server and opens a fresh registry on the same port, so every counter resets as after a real restart.
 */
export class TestMetricsApp {
  private readonly extraLabels: Record<string, string>[];
  private registry = new Registry();
  private logins: Counter<string>;
  private others: Record<VariantCounter, Counter<string>>;
  private server: Server | undefined;
  private boundPort = 0;

  /** `extraLabels`: label sets that each get zero-initialised series (e.g. 200 rollouts in the benchmark). */
  constructor(extraLabels: Record<string, string>[] = [{}]) {
    this.extraLabels = extraLabels;
    this.logins = this.makeCounter();
    this.others = this.makeOthers();
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `http://127.0.0.1:${this.boundPort}/metrics`;
  }

  /** Listens on `port` (0 = any free port). */
  async start(port = 0): Promise<void> {
    const server = await serveRegistry(this.registry, port);
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Stops, resets every counter, and listens again on the same port. */
  async restart(): Promise<void> {
    const port = this.boundPort;
    await this.stop();
    this.registry = new Registry();
    this.logins = this.makeCounter();
    this.others = this.makeOthers();
    await this.start(port);
  }

  /** Records `n` login attempts. */
  login(variant: string, result: string, n = 1, extra: Record<string, string> = {}): void {
    this.logins.inc({ ...extra, variant, result }, n);
  }

  /** Increments one of the other per-variant counters. */
  count(name: VariantCounter, variant: string, n = 1, extra: Record<string, string> = {}): void {
    this.others[name].inc({ ...extra, variant }, n);
  }

  /** Current value of one series, as the app itself knows it. */
  async value(variant: string, result: string, extra: Record<string, string> = {}): Promise<number> {
    const metric = await this.logins.get();
    const want = { ...extra, variant, result };
    const hit = metric.values.find((v) => Object.entries(want).every(([k, x]) => v.labels[k] === x));
    return hit?.value ?? 0;
  }

  private makeOthers(): Record<VariantCounter, Counter<string>> {
    const labelNames = ['variant', ...Object.keys(this.extraLabels[0] ?? {})];
    const make = (name: VariantCounter) => {
      const counter = new Counter({ name, help: name, labelNames, registers: [this.registry] });
      for (const extra of this.extraLabels)
        for (const variant of VARIANTS) counter.inc({ ...extra, variant }, 0);
      return counter;
    };
    return {
      logouts_total: make('logouts_total'),
      flag_exposures_total: make('flag_exposures_total'),
      mfa_enrollment_owner_mismatch_total: make('mfa_enrollment_owner_mismatch_total'),
    };
  }

  private makeCounter(): Counter<string> {
    const labelNames = ['variant', 'result', ...Object.keys(this.extraLabels[0] ?? {})];
    const counter = new Counter({
      name: 'login_attempts_total',
      help: 'Login attempts',
      labelNames,
      registers: [this.registry],
    });
    // Series exist from the start at 0, so a first increment is an increase and not a new series.
    for (const extra of this.extraLabels) {
      for (const variant of VARIANTS)
        for (const result of RESULTS) counter.inc({ ...extra, variant, result }, 0);
    }
    return counter;
  }
}
