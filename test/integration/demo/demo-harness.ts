import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { FaultName } from '../../../src/demo/login-service/fault-switches.js';
import type { MfaPolicy } from '../../../src/demo/login-service/mfa-policy.js';
import {
  type RunningLoginService,
  startLoginService,
} from '../../../src/demo/login-service/start-login-service.js';

export const ADMIN_TOKEN = 'demo-admin-token-for-tests';

/** A hand-written MFA policy: the flag is on for the users the predicate selects. */
export class PredicateMfaPolicy implements MfaPolicy {
  constructor(private readonly enforced: (userId: string) => boolean) {}
  isEnforced(userId: string): boolean {
    return this.enforced(userId);
  }
}

/** Odd-numbered users are in treatment (must pass MFA), even-numbered ones in control. */
export const oddUsersMfa = new PredicateMfaPolicy((u) => Number(u.split('-')[1]) % 2 === 1);

export async function startService(
  opts: { policy?: MfaPolicy; users?: number; faults?: FaultName[]; logger?: Logger } = {},
): Promise<RunningLoginService & { registry: Registry }> {
  const registry = new Registry();
  const running = await startLoginService({
    port: 0,
    policy: opts.policy ?? oddUsersMfa,
    registry,
    users: opts.users ?? 50,
    faults: opts.faults,
    adminToken: ADMIN_TOKEN,
    logger: opts.logger,
  });
  return { ...running, registry };
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** GET /metrics over HTTP, parsed as Prometheus text. */
export async function scrape(baseUrl: string): Promise<Sample[]> {
  const res = await fetch(`${baseUrl}/metrics`);
  if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
  return parsePrometheusTextFormat(await res.text()).flatMap((family) =>
    family.metrics.map((m) => ({ name: family.name, labels: m.labels ?? {}, value: Number(m.value) })),
  );
}

/** Sum of a counter over the samples whose labels include `match`. */
export function total(samples: Sample[], name: string, match: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

export async function setFault(baseUrl: string, name: FaultName, on: boolean): Promise<void> {
  const res = await fetch(`${baseUrl}/admin/faults`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, on }),
  });
  if (res.status !== 200) throw new Error(`POST /admin/faults answered ${res.status}: ${await res.text()}`);
}

/** A raw JSON request, for asserting status codes and bodies the typed client hides. */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  opts: { body?: unknown; token?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
