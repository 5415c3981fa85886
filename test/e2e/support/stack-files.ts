import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** The committed Prometheus rules, loaded unmodified next to the e2e drill rule. */
export const RAMPART_RULES_FILE = join(REPO_ROOT, 'dashboards/alerts/rampart-rules.yaml');
const ALERTMANAGER_EXAMPLE = join(REPO_ROOT, 'dashboards/alertmanager/alertmanager.example.yml');

export const ROLLOUT = 'mfa-staff';
export const FLAG = 'mfa-staff-login';
/** unleash-server's INIT_BACKEND_API_TOKENS token is for this environment (test/support/unleash-server.ts). */
export const ENVIRONMENT = 'development';
export const DRILL_ALERT = 'MfaStaffE2eAlertDrill';

/**
 * flags/mfa-staff.yaml compressed for a test: the same steps and guardrails on login success and
 * enrollment integrity, seconds instead of minutes, no windows, no approvals, few samples.
 * The demo's series are told from rampart's own by `job="login"`.
 */
export function rolloutSpec(): string {
  return `apiVersion: rampart/v1
kind: Rollout
name: ${ROLLOUT}
description: Enforce MFA on staff logins (end-to-end test, compressed)
flag:
  backend: unleash
  name: ${FLAG}
  project: default
  environment: ${ENVIRONMENT}
  stickiness: userId
steps: [1, 5, 25, 50, 100]
bake: 6s
start: auto
soak: 6s
minSamples: 3
tick: 1s
alpha: 0.01
matchers: { job: login }
onNoData: hold
noDataTimeout: 10m
rollback: disable
guardrails:
  - name: login-success
    compare: { metric: login_attempts_total, good: { result: success }, maxDrop: 0.05 }
  - name: enrollment-integrity
    zero: { metric: mfa_enrollment_owner_mismatch_total }
alerts: { match: { rollout: ${ROLLOUT} } }
`;
}

export interface RampartConfigInput {
  port: number;
  dir: string;
  unleashUrl: string;
  prometheusUrl: string;
  alertmanagerTokenFile: string;
}

/** rampart.yaml: the unleash backend, the prometheus source, an operator and an Alertmanager token. */
export function rampartConfig(c: RampartConfigInput): string {
  return `apiVersion: rampart/v1
kind: Config
listen: { host: 127.0.0.1, port: ${c.port} }
specsDir: ${JSON.stringify(join(c.dir, 'specs'))}
store: { url: ${JSON.stringify(`sqlite:${join(c.dir, 'rampart.db')}`)} }
flagBackends:
  unleash:
    type: unleash
    url: ${c.unleashUrl}
    adminTokenEnv: UNLEASH_ADMIN_TOKEN
    timeout: 5s
    maxAttempts: 4
metricSource:
  type: prometheus
  url: ${c.prometheusUrl}
  timeout: 5s
apiTokens:
  - { name: e2e-operator, role: operator, tokenEnv: RAMPART_OPERATOR_TOKEN }
  - { name: alertmanager, role: alertmanager, tokenFile: ${JSON.stringify(c.alertmanagerTokenFile)} }
`;
}

/**
 * The drill rule: labelled like MfaStaffLoginSuccessBelowControl of the committed rules
 * (severity critical, rollout mfa-staff), so the committed Alertmanager routing sends it to rampart,
 * but its condition is a gauge the test controls, so it fires when the test says and only then.
 */
export function drillRules(): string {
  return stringify({
    groups: [
      {
        name: 'e2e-drill',
        rules: [
          {
            alert: DRILL_ALERT,
            expr: 'max(e2e_alert_drill) > 0',
            labels: { severity: 'critical', rollout: ROLLOUT },
            annotations: { summary: 'end-to-end alert drill for mfa-staff' },
          },
        ],
      },
    ],
  });
}

interface AlertmanagerRoute {
  receiver: string;
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  routes?: AlertmanagerRoute[];
}
interface AlertmanagerReceiver {
  name: string;
  webhook_configs?: {
    url: string;
    http_config?: { authorization?: { credentials_file?: string } };
  }[];
}

/**
 * dashboards/alertmanager/alertmanager.example.yml with only what a test must change: rampart's
 * URL, the credentials file, and the rampart route's timers (group_wait 0s, group_interval 1s).
 */
export function alertmanagerConfig(rampartUrl: string, tokenFile: string): string {
  const config = parse(readFileSync(ALERTMANAGER_EXAMPLE, 'utf8')) as {
    route: AlertmanagerRoute;
    receivers: AlertmanagerReceiver[];
  };
  const route = config.route.routes?.find((r) => r.receiver === 'rampart');
  const receiver = config.receivers.find((r) => r.name === 'rampart');
  const webhook = receiver?.webhook_configs?.[0];
  const auth = webhook?.http_config?.authorization;
  if (!route || !webhook || !auth) {
    throw new Error(`${ALERTMANAGER_EXAMPLE}: no rampart route or webhook receiver with authorization`);
  }
  route.group_wait = '0s';
  route.group_interval = '1s';
  webhook.url = `${rampartUrl}/api/alerts/alertmanager`;
  auth.credentials_file = tokenFile;
  return stringify(config);
}
