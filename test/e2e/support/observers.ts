import { demoPassword } from '../../../src/demo/login-service/user-directory.js';
import type { UnleashServer } from '../../support/unleash-server.js';
import { ENVIRONMENT, FLAG } from './stack-files.js';

/** The flag as Unleash's Admin API shows it: environment on/off and the rollout of rampart's strategy. */
export interface UnleashFlag {
  exists: boolean;
  enabled: boolean;
  /** `rollout` parameter of the strategy titled `rampart:<flag>`; undefined without one. */
  rollout: number | undefined;
}

interface AdminFeature {
  environments: {
    name: string;
    enabled: boolean;
    strategies?: { title?: string | null; parameters?: Record<string, string> }[];
  }[];
}

/** Reads the flag straight from Unleash (not through rampart). */
export async function readUnleashFlag(unleash: UnleashServer): Promise<UnleashFlag> {
  const res = await fetch(`${unleash.url}/api/admin/projects/default/features/${FLAG}`, {
    headers: { Authorization: unleash.adminToken },
    signal: AbortSignal.timeout(5_000),
  });
  if (res.status === 404) return { exists: false, enabled: false, rollout: undefined };
  if (!res.ok) throw new Error(`Unleash admin API answered ${res.status}: ${await res.text()}`);
  const feature = (await res.json()) as AdminFeature;
  const env = feature.environments.find((e) => e.name === ENVIRONMENT);
  if (!env) throw new Error(`flag ${FLAG} has no ${ENVIRONMENT} environment in Unleash`);
  const mine = env.strategies?.find((s) => s.title === `rampart:${FLAG}`);
  const rollout = mine?.parameters?.rollout;
  return { exists: true, enabled: env.enabled, rollout: rollout === undefined ? undefined : Number(rollout) };
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  fromPercentage: number | null;
  toPercentage: number | null;
  reason: string | null;
}

export interface RolloutSummary {
  phase: string;
  percentage: number;
  step: number | null;
  hold: string | null;
}

/** A small client of rampart's HTTP API with the operator token. */
export class RampartApi {
  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  async rollout(name: string): Promise<RolloutSummary> {
    return (await this.get(`/api/rollouts/${name}`)) as RolloutSummary;
  }

  async audit(name: string): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    let cursor: number | null = null;
    do {
      const query: string = cursor === null ? '?limit=500' : `?limit=500&cursor=${cursor}`;
      const page = (await this.get(`/api/rollouts/${name}/audit${query}`)) as {
        entries: AuditEntry[];
        nextCursor: number | null;
      };
      out.push(...page.entries);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return out;
  }

  async command(
    name: string,
    kind: 'start' | 'resume' | 'pause',
    reason: string,
  ): Promise<{ status: string }> {
    const res = await fetch(`${this.url}/api/rollouts/${name}/${kind}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ reason }),
    });
    if (res.status !== 202) throw new Error(`${kind} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as { status: string };
  }

  private async get(path: string): Promise<unknown> {
    const res = await fetch(`${this.url}${path}`, {
      headers: { Authorization: `Bearer ${this.token}` },
      signal: AbortSignal.timeout(5_000),
    });
    if (!res.ok) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
    return res.json();
  }
}

/** Switches a fault of the demo login service through its admin endpoint. */
export async function setDemoFault(
  url: string,
  adminToken: string,
  name: string,
  on: boolean,
): Promise<void> {
  const res = await fetch(`${url}/admin/faults`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, on }),
  });
  if (res.status !== 200) throw new Error(`POST /admin/faults answered ${res.status}: ${await res.text()}`);
}

/** `mfa_required` when the demo's SDK has the flag on for the user, `ok` when it does not. */
export async function loginStatus(url: string, user: string): Promise<string> {
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user, password: demoPassword(user) }),
    signal: AbortSignal.timeout(5_000),
  });
  const body = (await res.json()) as { status?: string };
  if (res.status !== 200) throw new Error(`login ${user} answered ${res.status}: ${JSON.stringify(body)}`);
  return String(body.status);
}

export interface PromAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
  activeAt: string;
}

/** Alerts Prometheus itself holds (GET /api/v1/alerts). */
export async function prometheusAlerts(prometheusUrl: string): Promise<PromAlert[]> {
  const res = await fetch(`${prometheusUrl}/api/v1/alerts`, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`Prometheus /api/v1/alerts answered ${res.status}`);
  return ((await res.json()) as { data: { alerts: PromAlert[] } }).data.alerts;
}

/** Value of a PromQL expression that yields one sample (summed if several); undefined when empty. */
export async function prometheusValue(prometheusUrl: string, query: string): Promise<number | undefined> {
  const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(query)}`, {
    signal: AbortSignal.timeout(5_000),
  });
  if (!res.ok) throw new Error(`Prometheus query ${query} answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
  if (body.data.result.length === 0) return undefined;
  return body.data.result.reduce((sum, r) => sum + Number(r.value[1]), 0);
}

/** Alerts Alertmanager has received (GET /api/v2/alerts). */
export async function alertmanagerAlerts(
  alertmanagerUrl: string,
): Promise<{ labels: Record<string, string>; startsAt: string; receivers: { name: string }[] }[]> {
  const res = await fetch(`${alertmanagerUrl}/api/v2/alerts`, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`Alertmanager /api/v2/alerts answered ${res.status}`);
  return (await res.json()) as {
    labels: Record<string, string>;
    startsAt: string;
    receivers: { name: string }[];
  }[];
}

/** Polls `probe` every `intervalMs` until it returns a value (not undefined); throws after `timeoutMs`. */
export async function pollUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`${what}: not within ${timeoutMs} ms${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
