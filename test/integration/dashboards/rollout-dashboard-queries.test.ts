import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardExpressions } from '../../../src/dashboards/dashboard-expressions.js';
import { substituteGrafanaVariables } from '../../../src/dashboards/promql-names.js';
import { generateRolloutDashboard } from '../../../src/dashboards/rollout-dashboard-file.js';
import { parseRolloutSpec } from '../../../src/rollout-spec/parse-rollout-spec.js';
import { RampartMetrics } from '../../../src/telemetry/rampart-metrics.js';
import { ContractRegistry } from '../../support/contract-registry.js';
import { waitFor } from '../../support/free-port.js';
import { type PrometheusServer, startPrometheus } from '../../support/prometheus.js';
import { serveRegistry } from '../../support/serve-registry.js';

const parsed = parseRolloutSpec(readFileSync('flags/mfa-staff.yaml', 'utf8'), 'flags/mfa-staff.yaml');
if (!parsed.ok) throw parsed.error;
const spec = parsed.value;
const generated = generateRolloutDashboard(spec);
const expressions = dashboardExpressions(JSON.parse(generated.text));

const service = new ContractRegistry();
const rampartRegistry = new Registry();
const rampart = new RampartMetrics(rampartRegistry, 'test');
const servers: Server[] = [];
let prom: PrometheusServer | undefined;
let timer: NodeJS.Timeout | undefined;

async function instant(query: string): Promise<{ status: string; data?: { result: unknown } }> {
  const res = await fetch(`${prom?.url}/api/v1/query?query=${encodeURIComponent(query)}`);
  return (await res.json()) as { status: string; data?: { result: unknown } };
}

async function scrapes(n: number): Promise<void> {
  await waitFor(
    `${n} scrapes of both targets`,
    async () => {
      const answer = await instant(`count(count_over_time(up[1m]) >= ${n})`);
      const result = answer.data?.result as { value: [number, string] }[] | undefined;
      return result?.[0]?.value[1] === '2';
    },
    30_000,
    250,
  );
}

beforeAll(async () => {
  const targets: string[] = [];
  for (const registry of [service.registry, rampartRegistry]) {
    const server = await serveRegistry(registry);
    servers.push(server);
    targets.push(`127.0.0.1:${(server.address() as AddressInfo).port}`);
  }
  // rampart's view of the rollout: percentage, phase, each guardrail's verdict, estimate and bound.
  rampart.rolloutPercentage.set({ rollout: spec.name }, 5);
  rampart.setPhase(spec.name, 'ramping');
  for (const g of spec.guardrails) {
    const labels = { rollout: spec.name, guardrail: g.name };
    rampart.guardrailVerdict.set(labels, 0);
    rampart.guardrailEstimate.set(labels, 0.01);
    rampart.guardrailBound.set(labels, 0.03);
  }
  timer = setInterval(() => service.traffic(), 200);
  prom = await startPrometheus({
    jobs: [
      { job: 'login', targets: [targets[0] ?? ''] },
      { job: 'rampart', targets: [targets[1] ?? ''] },
    ],
  });
  await scrapes(3);
  // A transition and a rollback after the first scrapes, the transition's series born at 1 as in
  // rampart (only the rollback series are created at 0, by setPhase): the annotations see both.
  rampart.transitionsTotal.inc({ rollout: spec.name, from: 'pending', to: 'ramping' });
  rampart.rollbacksTotal.inc({ rollout: spec.name, reason: 'guardrail' });
  await scrapes(6);
});

afterAll(async () => {
  clearInterval(timer);
  await prom?.stop();
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
});

describe("the flagship rollout's generated dashboard in a real Prometheus", () => {
  it('has a panel per guardrail and passed its checks', () => {
    expect(generated.problems).toEqual([]);
    for (const g of spec.guardrails)
      expect(expressions.some((e) => e.where.startsWith(`panel "${g.name}: `))).toBe(true);
    expect(expressions.length).toBeGreaterThan(15);
  });

  it.each(expressions.map((e) => [e.where, e.expr] as const))('%s returns data', async (_where, expr) => {
    const answer = await instant(substituteGrafanaVariables(expr));
    expect(answer.status).toBe('success');
    expect(answer.data?.result).not.toEqual([]);
  });
});
