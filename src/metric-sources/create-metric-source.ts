import type { AxiosInstance } from 'axios';
import { ValidationError } from '../errors/validation-error.js';
import type { Clock } from '../time/clock.js';
import type { Ticker } from '../time/ticker.js';
import type { MetricSource } from './metric-source.js';
import { METRIC_SOURCE_TYPES, type MetricSourceConfig } from './metric-source-config.js';
import { createPrometheusHttpApi } from './prometheus/create-prometheus-http-api.js';
import { PrometheusMetricSource } from './prometheus/prometheus-metric-source.js';
import { ScrapeMetricSource, type TargetStatus } from './scrape/scrape-metric-source.js';
import { AxiosScrapeTransport, type ScrapeTransport } from './scrape/scrape-transport.js';

export type { TargetStatus } from './scrape/scrape-metric-source.js';

/** A metric source with its lifecycle, as the composition root holds it. */
export interface ManagedMetricSource extends MetricSource {
  readonly type: MetricSourceConfig['type'];
  /** Begins background work (scraping); idempotent. */
  start(): void;
  /** Ends background work; idempotent. */
  stop(): void;
  /** Scrape targets and their health, for the status page; empty for Prometheus. */
  targets(): TargetStatus[];
}

export interface MetricSourceDeps {
  clock: Clock;
  ticker: Ticker;
  /** Replaces the axios instance of the prometheus source (tests, custom TLS agents). */
  http?: AxiosInstance;
  /** Replaces the HTTP transport of the scrape source (tests feed it a prom-client registry). */
  scrapeTransport?: ScrapeTransport;
}

/** Builds the configured metric source; an unknown `type` is an error that lists the valid ones. */
export function createMetricSource(config: MetricSourceConfig, deps: MetricSourceDeps): ManagedMetricSource {
  switch (config.type) {
    case 'prometheus': {
      const source = new PrometheusMetricSource(createPrometheusHttpApi(config, deps.http), {
        batchSize: config.batchSize,
      });
      return {
        type: 'prometheus',
        counts: (q, since, until) => source.counts(q, since, until),
        scalar: (q, windowMs, at) => source.scalar(q, windowMs, at),
        isOnline: () => source.isOnline(),
        start: () => {},
        stop: () => {},
        targets: () => [],
      };
    }
    case 'scrape': {
      const source = new ScrapeMetricSource(
        config.targets,
        deps.scrapeTransport ?? new AxiosScrapeTransport(),
        deps.clock,
        deps.ticker,
        { intervalMs: config.interval, timeoutMs: config.timeout, retentionMs: config.retention },
      );
      return {
        type: 'scrape',
        counts: (q, since, until) => source.counts(q, since, until),
        scalar: (q, windowMs, at) => source.scalar(q, windowMs, at),
        isOnline: () => source.isOnline(),
        start: () => source.start(),
        stop: () => source.stop(),
        targets: () => source.targets(),
      };
    }
    default: {
      const unreachable: never = config;
      const type = (unreachable as { type?: unknown }).type;
      throw new ValidationError([
        {
          source: 'metricSource',
          path: 'type',
          message: `unknown metric source type ${JSON.stringify(type)}; valid values: ${METRIC_SOURCE_TYPES.join(', ')}`,
        },
      ]);
    }
  }
}
