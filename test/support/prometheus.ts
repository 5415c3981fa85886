import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon } from './daemon.js';
import { freePort } from './free-port.js';
import { requireTestServer } from './test-servers.js';

/** One scrape job of the throwaway Prometheus. */
interface ScrapeJob {
  job: string;
  /** `host:port` targets, scraped at `/metrics`. */
  targets: string[];
}

/** A throwaway Prometheus on a free loopback port, owned by the test that started it. */
export interface PrometheusServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Stops it by PID and deletes its config and data. Safe to call twice. */
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  jobs: ScrapeJob[];
  /** Default 1s. */
  scrapeInterval?: string;
  /** Binary to run; default `$PROMETHEUS_BIN` or `prometheus` on PATH (see test-servers.ts). */
  bin?: string;
  /** Rule files (absolute paths) to load; evaluated every scrape interval. */
  ruleFiles?: string[];
  /** `host:port` of Alertmanagers that firing alerts are sent to. */
  alertmanagers?: string[];
}

function configYaml(options: PrometheusOptions, interval: string): string {
  const lines = ['global:', `  scrape_interval: ${interval}`, `  evaluation_interval: ${interval}`];
  const ruleFiles = options.ruleFiles ?? [];
  if (ruleFiles.length > 0) lines.push('rule_files:', ...ruleFiles.map((f) => `  - ${JSON.stringify(f)}`));
  const alertmanagers = options.alertmanagers ?? [];
  if (alertmanagers.length > 0) {
    lines.push('alerting:', '  alertmanagers:', '    - static_configs:');
    lines.push(`        - targets: [${alertmanagers.map((t) => JSON.stringify(t)).join(', ')}]`);
  }
  lines.push('scrape_configs:');
  const jobs = options.jobs;
  for (const j of jobs) {
    lines.push(`  - job_name: ${JSON.stringify(j.job)}`, '    static_configs:');
    lines.push(`      - targets: [${j.targets.map((t) => JSON.stringify(t)).join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

/** Starts Prometheus with a temp config and data dir and waits until `/-/ready` answers 200. */
export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  const dir = await mkdtemp(join(tmpdir(), 'rampart-prom-'));
  const configFile = join(dir, 'prometheus.yml');
  await writeFile(configFile, configYaml(options, options.scrapeInterval ?? '1s'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const daemon = await startDaemon({
    name: 'Prometheus',
    bin: options.bin ?? requireTestServer('prometheus'),
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
      '--log.level=warn',
    ],
    dir,
    readyUrl: `${url}/-/ready`,
    debianPackage: 'prometheus',
  });
  return { url, port, pid: daemon.pid, stop: daemon.stop };
}
