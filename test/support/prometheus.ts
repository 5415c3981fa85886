import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './free-port.js';

/** One scrape job of the throwaway Prometheus. */
export interface ScrapeJob {
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
  /** Binary to run; default `$PROMETHEUS_BIN` or `prometheus` on PATH (Debian package `prometheus`). */
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
  const bin = options.bin ?? process.env.PROMETHEUS_BIN ?? 'prometheus';
  const child: ChildProcess = spawn(
    bin,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let spawnError: Error | undefined;
  child.once('error', (e) => {
    spawnError = e;
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGTERM');
      const killer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      `Prometheus on port ${port}`,
      async () => {
        if (spawnError)
          throw new Error(`cannot run ${bin} (install the Debian package prometheus): ${spawnError.message}`);
        if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${log}`);
        const res = await fetch(`${url}/-/ready`);
        return res.status === 200;
      },
      30_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  if (child.pid === undefined) throw new Error('prometheus has no PID');
  return { url, port, pid: child.pid, stop };
}
