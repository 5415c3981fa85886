import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AlertmanagerServer, startAlertmanager } from '../../support/alertmanager.js';
import { freePort, waitFor } from '../../support/free-port.js';
import { type PostgresServer, startPostgres } from '../../support/postgres.js';
import { type PrometheusServer, startPrometheus } from '../../support/prometheus.js';
import { startUnleashServer, type UnleashServer } from '../../support/unleash-server.js';
import { AlertDrill } from './alert-drill.js';
import { type NodeProcess, spawnTsx } from './node-process.js';
import {
  alertmanagerConfig,
  drillRules,
  FLAG,
  RAMPART_RULES_FILE,
  rampartConfig,
  rolloutSpec,
} from './stack-files.js';

/** Every part of the end-to-end stack, each on its own loopback port. */
export interface FullStack {
  dir: string;
  postgres: PostgresServer;
  unleash: UnleashServer;
  demo: { process: NodeProcess; url: string; adminToken: string };
  drill: AlertDrill;
  alertmanager: AlertmanagerServer;
  prometheus: PrometheusServer;
  rampart: { process: NodeProcess; url: string; operatorToken: string };
  /** PIDs of every process started, for the report. */
  pids(): Record<string, number | undefined>;
}

const isReady = (v: unknown): v is { ready: true; port: number } =>
  typeof v === 'object' && v !== null && (v as { ready?: unknown }).ready === true;

/**
 * Starts the stack in dependency order. `stops` receives each part's stop function as soon as that
 * part runs, so the caller can tear down whatever started even when a later part fails.
 */
export async function startFullStack(stops: (() => Promise<unknown>)[]): Promise<FullStack> {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-e2e-'));
  stops.push(async () => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'specs'));
  writeFileSync(join(dir, 'specs', 'mfa-staff.yaml'), rolloutSpec());
  const alertmanagerToken = randomBytes(16).toString('hex');
  const tokenFile = join(dir, 'rampart-alertmanager.token');
  writeFileSync(tokenFile, alertmanagerToken, { mode: 0o600 });
  const drillRulesFile = join(dir, 'e2e-drill-rules.yaml');
  writeFileSync(drillRulesFile, drillRules());

  const drill = new AlertDrill();
  await drill.start();
  stops.push(() => drill.stop());

  const postgres = await startPostgres();
  stops.push(() => postgres.stop());
  const unleash = await startUnleashServer({ postgres });
  stops.push(() => unleash.stop());

  const demoAdminToken = randomBytes(16).toString('hex');
  const demoProcess = spawnTsx('test/e2e/support/demo-child.ts', [], {
    E2E_DEMO: JSON.stringify({
      unleashApiUrl: `${unleash.url}/api`,
      clientToken: unleash.backendToken,
      flagName: FLAG,
      adminToken: demoAdminToken,
      users: 1000,
      ratePerSecond: 20,
      seed: 7,
    }),
  });
  stops.push(() => demoProcess.stop());
  const demoPort = (await demoProcess.jsonLine(isReady, 60_000)).port;

  const rampartPort = await freePort();
  const rampartUrl = `http://127.0.0.1:${rampartPort}`;
  const alertmanager = await startAlertmanager({
    config: () => alertmanagerConfig(rampartUrl, tokenFile),
  });
  stops.push(() => alertmanager.stop());

  const prometheus = await startPrometheus({
    scrapeInterval: '1s',
    jobs: [
      { job: 'login', targets: [`127.0.0.1:${demoPort}`] },
      { job: 'rampart', targets: [`127.0.0.1:${rampartPort}`] },
      { job: 'e2e-drill', targets: [drill.target] },
    ],
    ruleFiles: [RAMPART_RULES_FILE, drillRulesFile],
    alertmanagers: [`127.0.0.1:${alertmanager.port}`],
  });
  stops.push(() => prometheus.stop());

  const configFile = join(dir, 'rampart.yaml');
  writeFileSync(
    configFile,
    rampartConfig({
      port: rampartPort,
      dir,
      unleashUrl: unleash.url,
      prometheusUrl: prometheus.url,
      alertmanagerTokenFile: tokenFile,
    }),
  );
  const operatorToken = randomBytes(16).toString('hex');
  const rampartProcess = spawnTsx('test/support/cli-entry.ts', ['run', '--config', configFile], {
    UNLEASH_ADMIN_TOKEN: unleash.adminToken,
    RAMPART_OPERATOR_TOKEN: operatorToken,
    RAMPART_LOG_LEVEL: 'info',
  });
  stops.push(() => rampartProcess.stop());
  await waitFor(
    `rampart at ${rampartUrl}`,
    async () => {
      if (rampartProcess.child.exitCode !== null)
        throw new Error(`rampart exited: ${rampartProcess.stderr()}`);
      return (await fetch(`${rampartUrl}/healthz`)).ok;
    },
    60_000,
    100,
  );

  const stack: FullStack = {
    dir,
    postgres,
    unleash,
    demo: { process: demoProcess, url: `http://127.0.0.1:${demoPort}`, adminToken: demoAdminToken },
    drill,
    alertmanager,
    prometheus,
    rampart: { process: rampartProcess, url: rampartUrl, operatorToken },
    pids: () => ({
      postgres: postgres.pid,
      unleash: unleash.pid(),
      demo: demoProcess.pid,
      alertmanager: alertmanager.pid,
      prometheus: prometheus.pid,
      rampart: rampartProcess.pid,
    }),
  };
  // Should the test worker itself be killed, afterAll never runs: take the children down with it.
  const killAll = () => {
    for (const pid of Object.values(stack.pids())) {
      try {
        if (pid !== undefined) process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', killAll);
  stops.push(async () => process.off('exit', killAll));
  return stack;
}

/** Runs the stop functions in reverse start order; one failing does not keep the others from running. */
export async function stopAll(stops: (() => Promise<unknown>)[]): Promise<void> {
  const errors: unknown[] = [];
  for (const stop of stops.splice(0).reverse()) {
    try {
      await stop();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, 'stopping the e2e stack failed');
}
