import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;

/**
 * Every secret an attack daemon is configured with, fresh per test process so a hit in a log, the
 * database or a response can only be a leak. The webhook secret is the path of the notifier's URL,
 * as in a Slack incoming-webhook URL.
 */
export const ATTACK_SECRETS = {
  viewer: secret('viewer'),
  operator: secret('operator'),
  admin: secret('admin'),
  alertmanager: secret('alertmanager'),
  client: secret('client'),
  unleash: secret('unleash'),
  webhook: secret('hook'),
  store: secret('store'),
} as const;

export type AttackRole = 'viewer' | 'operator' | 'admin' | 'alertmanager';

/** The environment the daemon reads its secrets from (rampart.yaml names the variables). */
export function secretEnv(webhookSink: string): Record<string, string> {
  const s = ATTACK_SECRETS;
  return {
    ATTACK_VIEWER_TOKEN: s.viewer,
    ATTACK_OPERATOR_TOKEN: s.operator,
    ATTACK_ADMIN_TOKEN: s.admin,
    ATTACK_ALERTMANAGER_TOKEN: s.alertmanager,
    ATTACK_CLIENT_TOKENS: s.client,
    ATTACK_UNLEASH_TOKEN: s.unleash,
    ATTACK_WEBHOOK_URL: `${webhookSink}/services/${s.webhook}`,
    ATTACK_STORE_PASSWORD: s.store,
  };
}

/** The names of the secrets found in `text` (none, when nothing leaked). */
export function secretsIn(text: string): string[] {
  return Object.entries(ATTACK_SECRETS)
    .filter(([, value]) => text.includes(value))
    .map(([name]) => name);
}

/** The secrets found in a file's raw bytes (the SQLite file and its WAL, read as latin1). */
export function secretsInFile(path: string): string[] {
  let bytes: string;
  try {
    bytes = readFileSync(path, 'latin1');
  } catch {
    return [];
  }
  return secretsIn(bytes);
}
