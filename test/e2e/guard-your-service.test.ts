import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { dashboardExpressions } from '../../src/dashboards/dashboard-expressions.js';
import { substituteGrafanaVariables } from '../../src/dashboards/promql-names.js';
import { generateRolloutDashboard } from '../../src/dashboards/rollout-dashboard-file.js';
import { parseRolloutSpec } from '../../src/rollout-spec/parse-rollout-spec.js';
import { type AlertmanagerServer, startAlertmanager } from '../support/alertmanager.js';
import { freePort, waitFor } from '../support/free-port.js';
import { startPostgres } from '../support/postgres.js';
import { type PrometheusServer, startPrometheus } from '../support/prometheus.js';
import { startUnleashServer, type UnleashServer } from '../support/unleash-server.js';
import { runCli } from '../unit/cli/run-cli.js';
import { stopAll } from './support/full-stack.js';
import { type NodeProcess, spawnTsx } from './support/node-process.js';
import { type AuditEntry, pollUntil, prometheusAlerts, RampartApi } from './support/observers.js';
import { alertmanagerConfig, ENVIRONMENT, RAMPART_RULES_FILE, REPO_ROOT } from './support/stack-files.js';
import { StaffLoginTraffic } from './support/staff-login-traffic.js';

/*
 * The README's "Guard your own service", step by step, on real parts: unleash-server 7.4.1,
 * examples/staff-login with its unleash-client and traffic from staff and customers, Prometheus
 * with the section's scrape jobs and alert rule, Alertmanager with the committed routing, and
 * `rampart run` with the section's rampart.yaml and spec. The test reads the committed files and
 * changes only what a test must: seconds instead of minutes, loopback ports, the test Unleash's
 * environment. Each command it runs must be in the README section, so a changed step changes it.
 */

const ROLLOUT = 'staff-mfa';
const SPEC_DIR = 'examples/staff-login/rampart';
const SPEC = `${SPEC_DIR}/staff-mfa.yaml`;
const ALERTS = 'examples/staff-login/prometheus/alerts.yaml';
const ALERT = 'StaffMfaLogoutLoop';

const stops: (() => Promise<unknown>)[] = [];
const timings: Record<string, number> = {};
const suiteStart = Date.now();
let dir = '';
let unleash: UnleashServer;
let example: NodeProcess;
let exampleUrl = '';
let prometheus: PrometheusServer;
let alertmanager: AlertmanagerServer;
let rampart: NodeProcess;
let api: RampartApi;
let rampartUrl = '';
/** Step 7, once the earlier steps have run: `rampart run --config` with the section's rampart.yaml. */
let startRampart: () => NodeProcess;
let traffic: StaffLoginTraffic;
const adminToken = randomBytes(16).toString('hex');

/** The README section, whose commands the test runs. */
const GUIDE = (() => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Guard your own service');
  return readme.slice(start, readme.indexOf('\n## ', start + 3));
})();

/** Runs a rampart command that the README section spells out (paths and options as written there). */
async function documented(argv: string[], extra: string[] = []) {
  expect(GUIDE, 'the README section names this command').toContain(`npx rampart ${argv.join(' ')}`);
  return runCli([...argv, ...extra], new Date());
}

function compressedSpec(): string {
  const spec = parse(readFileSync(join(REPO_ROOT, SPEC), 'utf8'));
  spec.flag.environment = ENVIRONMENT;
  Object.assign(spec, { bake: '6s', tick: '1s', minSamples: 3, soak: '6s' });
  for (const g of spec.guardrails) if (g.srm) g.srm.settle = '2s';
  return stringify(spec);
}

function compressedAlerts(): string {
  const rules = parse(readFileSync(join(REPO_ROOT, ALERTS), 'utf8'));
  for (const group of rules.groups) for (const rule of group.rules) rule.for = '0s';
  return stringify(rules);
}

function rampartYaml(port: number, tokenFile: string): string {
  const config = parse(readFileSync(join(REPO_ROOT, SPEC_DIR, 'rampart.yaml'), 'utf8'));
  config.listen.port = port;
  config.specsDir = join(dir, 'specs');
  config.store.url = `sqlite:${join(dir, 'rampart.db')}`;
  config.flagBackends.unleash.url = unleash.url;
  config.metricSource.url = prometheus.url;
  config.apiTokens[1].tokenFile = tokenFile;
  return stringify(config);
}

/** The flag as Unleash's Admin API shows it: environment on/off and rampart's rollout percentage. */
async function unleashFlag(): Promise<{ enabled: boolean; rollout: number | undefined }> {
  const res = await fetch(`${unleash.url}/api/admin/projects/default/features/${ROLLOUT}`, {
    headers: { Authorization: unleash.adminToken },
    signal: AbortSignal.timeout(5_000),
  });
  if (res.status === 404) return { enabled: false, rollout: undefined };
  const feature = (await res.json()) as {
    environments: {
      name: string;
      enabled: boolean;
      strategies?: { title?: string; parameters?: Record<string, string> }[];
    }[];
  };
  const env = feature.environments.find((e) => e.name === ENVIRONMENT);
  const mine = env?.strategies?.find((s) => s.title === `rampart:${ROLLOUT}`);
  const rollout = mine?.parameters?.rollout;
  return { enabled: env?.enabled ?? false, rollout: rollout === undefined ? undefined : Number(rollout) };
}

async function setBug(name: string, on: boolean): Promise<void> {
  const res = await fetch(`${exampleUrl}/admin/bugs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, on }),
  });
  expect(res.status).toBe(200);
}

/** Waits until staff logins have gone through the SDK with the flag off for everyone. */
async function sdkServesFlagOff(): Promise<void> {
  await new Promise((r) => setTimeout(r, 1_500));
  traffic.resetStaff();
  await pollUntil(
    '40 staff logins without MFA',
    async () => (traffic.stats.staffPlain >= 40 ? true : undefined),
    30_000,
  );
  expect(traffic.stats.staffMfa).toBe(0);
}

const rollbacksAfter = (entries: AuditEntry[], seq: number) =>
  entries.filter((e) => e.action === 'rolled_back' && e.seq > seq);

beforeAll(async () => {
  try {
    dir = mkdtempSync(join(tmpdir(), 'rampart-guide-'));
    stops.push(async () => rmSync(dir, { recursive: true, force: true }));
    const postgres = await startPostgres();
    stops.push(() => postgres.stop());
    unleash = await startUnleashServer({ postgres });
    stops.push(() => unleash.stop());

    // Step 1: the instrumented service against Unleash, with staff and customers logging in.
    example = spawnTsx('examples/staff-login/server.ts', [], {
      NODE_OPTIONS: '--conditions=rampart-source',
      PORT: '0',
      UNLEASH_URL: `${unleash.url}/api/`,
      UNLEASH_TOKEN: unleash.backendToken,
      UNLEASH_REFRESH_MS: '500',
      ADMIN_TOKEN: adminToken,
    });
    stops.push(() => example.stop());
    exampleUrl = (
      await example.jsonLine(
        (v): v is { url: string } => typeof (v as { url?: unknown }).url === 'string',
        60_000,
      )
    ).url;
    traffic = new StaffLoginTraffic(exampleUrl);
    traffic.start();
    stops.push(() => traffic.stop());

    // Steps 4 and 5: Prometheus with the two jobs and the rollout's rule, Alertmanager routing to rampart.
    const rampartPort = await freePort();
    const tokenFile = join(dir, 'alertmanager.token');
    writeFileSync(tokenFile, randomBytes(16).toString('hex'), { mode: 0o600 });
    alertmanager = await startAlertmanager({
      config: () => alertmanagerConfig(`http://127.0.0.1:${rampartPort}`, tokenFile),
    });
    stops.push(() => alertmanager.stop());
    const alertsFile = join(dir, 'alerts.yaml');
    writeFileSync(alertsFile, compressedAlerts());
    prometheus = await startPrometheus({
      jobs: [
        { job: 'staff-login', targets: [new URL(exampleUrl).host] },
        { job: 'rampart', targets: [`127.0.0.1:${rampartPort}`] },
      ],
      ruleFiles: [alertsFile, RAMPART_RULES_FILE],
      alertmanagers: [`127.0.0.1:${alertmanager.port}`],
    });
    stops.push(() => prometheus.stop());

    mkdirSync(join(dir, 'specs'));
    writeFileSync(join(dir, 'specs', 'staff-mfa.yaml'), compressedSpec());
    const configFile = join(dir, 'rampart.yaml');
    writeFileSync(configFile, rampartYaml(rampartPort, tokenFile));
    const operatorToken = randomBytes(16).toString('hex');
    rampartUrl = `http://127.0.0.1:${rampartPort}`;
    api = new RampartApi(rampartUrl, operatorToken);
    startRampart = () =>
      spawnTsx('test/support/cli-entry.ts', ['run', '--config', configFile], {
        UNLEASH_ADMIN_TOKEN: unleash.adminToken,
        RAMPART_OPERATOR_TOKEN: operatorToken,
      });
    timings.stackUpMs = Date.now() - suiteStart;
  } catch (error) {
    await stopAll(stops).catch(() => undefined);
    throw error;
  }
});

afterAll(async () => {
  const artifacts = join(REPO_ROOT, 'test-artifacts');
  mkdirSync(artifacts, { recursive: true });
  if (rampart)
    writeFileSync(join(artifacts, 'e2e-guide-rampart.log'), `${rampart.stderr()}\n${rampart.stdout()}`);
  if (example) writeFileSync(join(artifacts, 'e2e-guide-example.log'), example.stderr());
  timings.suiteMs = Date.now() - suiteStart;
  console.log(`guard-your-service timings: ${JSON.stringify(timings)}`);
  await stopAll(stops);
});

describe('README: guard your own service (examples/staff-login, Unleash, Prometheus, Alertmanager)', () => {
  it('step 2: the spec validates', async () => {
    const run = await documented(['validate', `${SPEC_DIR}/`]);
    expect(run.out).toContain(`ok      ${SPEC} (rollout ${ROLLOUT})`);
    expect(run.code).toBe(0);
  });

  it("step 3: the service's /metrics has every series the spec needs", async () => {
    expect(GUIDE).toContain(
      `npx rampart check-metrics --spec ${SPEC} --metrics-url http://127.0.0.1:3000/metrics`,
    );
    const run = await documented(
      ['check-metrics', '--spec', SPEC],
      ['--metrics-url', `${exampleUrl}/metrics`, '--interval', '2s'],
    );
    expect(run.err).toBe('');
    expect(run.out).toContain('are there and moving');
    expect(run.code).toBe(0);
  });

  it('step 4: Prometheus has them too', async () => {
    await new Promise((r) => setTimeout(r, 5_000));
    const run = await documented(
      ['check-metrics', '--spec', SPEC],
      ['--prometheus', prometheus.url, '--window', '1m'],
    );
    expect(run.out).toContain('are there and moving');
    expect(run.code).toBe(0);
    expect(GUIDE).toContain(`npx rampart check-metrics --spec ${SPEC} --prometheus http://127.0.0.1:9090`);
  });

  it("step 6: the rollout's dashboard is generated", async () => {
    const out = join(dir, 'dashboards');
    const run = await documented(['dashboards', `${SPEC_DIR}/`], ['--out', out]);
    expect(run.code).toBe(0);
    expect(existsSync(join(out, 'rollout-staff-mfa.json'))).toBe(true);
  });

  it('steps 7-8: rampart ramps the flag in Unleash for staff only', async () => {
    expect(GUIDE).toContain('npx rampart run --config examples/staff-login/rampart/rampart.yaml');
    expect(GUIDE).toContain('npx rampart start staff-mfa --reason');
    rampart = startRampart();
    stops.push(() => rampart.stop());
    await waitFor('rampart /healthz', async () => (await fetch(`${rampartUrl}/healthz`)).ok, 60_000, 200);
    expect((await api.command(ROLLOUT, 'start', 'e2e: MFA for staff')).status).toBe('applied');
    const startedAt = Date.now();
    await pollUntil(
      'the flag at 25 % in Unleash',
      async () => ((await unleashFlag()).rollout ?? 0) >= 25 || undefined,
      150_000,
      200,
    );
    timings.startTo25PercentMs = Date.now() - startedAt;
    await pollUntil(
      'staff asked for MFA',
      async () => (traffic.stats.staffMfa > 0 ? true : undefined),
      30_000,
    );
    expect(traffic.stats.customersAskedForMfa).toBe(0);
  });

  it('step 8: a lockout of staff with MFA fails login-success and rampart rolls the flag back', async () => {
    const bugAt = Date.now();
    await setBug('lockout', true);
    await pollUntil(
      'the flag off in Unleash',
      async () => ((await unleashFlag()).enabled ? undefined : true),
      90_000,
      200,
    );
    timings.lockoutToFlagOffMs = Date.now() - bugAt;
    const [rollback] = rollbacksAfter(await api.audit(ROLLOUT), 0);
    expect(rollback?.actor).toBe('rampart');
    expect(rollback?.reason).toContain('login-success');
    await sdkServesFlagOff();
    await setBug('lockout', false);
  });

  it('step 8: a logout loop fires the rollout alert, and Alertmanager rolls it back', async () => {
    const before = Math.max(0, ...(await api.audit(ROLLOUT)).map((e) => e.seq));
    expect(GUIDE).toContain('npx rampart resume staff-mfa --reason');
    expect((await api.command(ROLLOUT, 'resume', 'e2e: lockout fixed')).status).toBe('applied');
    await pollUntil(
      'the flag on again in Unleash',
      async () => ((await unleashFlag()).enabled ? true : undefined),
      60_000,
      200,
    );
    const bugAt = Date.now();
    await setBug('logout-loop', true);
    const firing = await pollUntil(
      `${ALERT} firing`,
      async () =>
        (await prometheusAlerts(prometheus.url)).find(
          (a) => a.labels.alertname === ALERT && a.state === 'firing',
        ),
      150_000,
      500,
    );
    expect(firing.labels.rollout).toBe(ROLLOUT);
    await pollUntil(
      'the flag off in Unleash again',
      async () => ((await unleashFlag()).enabled ? undefined : true),
      60_000,
      200,
    );
    timings.logoutLoopToFlagOffMs = Date.now() - bugAt;
    const [rollback] = rollbacksAfter(await api.audit(ROLLOUT), before);
    expect(rollback?.reason).toContain(ALERT);
    await setBug('logout-loop', false);
    await sdkServesFlagOff();
  });

  it("every query of the rollout's generated dashboard returns data from this Prometheus", async () => {
    const parsed = parseRolloutSpec(
      readFileSync(join(dir, 'specs', 'staff-mfa.yaml'), 'utf8'),
      'staff-mfa.yaml',
    );
    if (!parsed.ok) throw parsed.error;
    const generated = generateRolloutDashboard(parsed.value);
    const empty: string[] = [];
    for (const { where, expr } of dashboardExpressions(JSON.parse(generated.text))) {
      const res = await fetch(
        `${prometheus.url}/api/v1/query?query=${encodeURIComponent(substituteGrafanaVariables(expr))}`,
      );
      const body = (await res.json()) as { status: string; data?: { result: unknown[] } };
      if (body.status !== 'success' || (body.data?.result ?? []).length === 0)
        empty.push(`${where}: ${expr}`);
    }
    expect(empty).toEqual([]);
  });

  it('never asked a customer for MFA, and the traffic saw no errors', () => {
    expect(traffic.stats.customersAskedForMfa).toBe(0);
    expect(traffic.stats.errors).toEqual([]);
    expect(traffic.stats.logins).toBeGreaterThan(500);
  });
});
