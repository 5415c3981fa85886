import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { dashboardExpressions } from '../../../src/dashboards/dashboard-expressions.js';
import { DASHBOARD_FILES } from '../../../src/dashboards/dashboards.js';
import { substituteGrafanaVariables } from '../../../src/dashboards/promql-names.js';
import { requireTestServer } from '../../support/test-servers.js';
import { root, run } from './cli-tools.js';

const alertsDir = join(root, 'dashboards', 'alerts');

describe('Prometheus alert rules (promtool)', () => {
  let promtool: string;
  beforeAll(() => {
    promtool = requireTestServer('promtool');
  });

  it('pass promtool check rules', async () => {
    const result = await run(promtool, ['check', 'rules', join(alertsDir, 'rampart-rules.yaml')]);
    const file = parse(await readFile(join(alertsDir, 'rampart-rules.yaml'), 'utf8'));
    const count = file.groups.reduce((n: number, g: { rules: unknown[] }) => n + g.rules.length, 0);
    expect(result.output).toContain(`SUCCESS: ${count} rules found`);
    expect(result.code).toBe(0);
  });

  it('pass their unit tests (promtool test rules)', async () => {
    const result = await run(promtool, ['test', 'rules', 'rampart-rules.test.yaml'], alertsDir);
    expect(result.output).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  // Prometheus' own parser also type-checks (a range vector where an instant one belongs, etc.),
  // which the lezer grammar of the unit tests does not.
  it('accept every dashboard query as a valid Prometheus expression', async () => {
    const exprs = DASHBOARD_FILES.flatMap((d) => dashboardExpressions(d.build()));
    const rules = exprs.map((e, i) => ({
      record: `dashboard:query_${i}`,
      expr: substituteGrafanaVariables(e.expr),
    }));
    const dir = await mkdtemp(join(tmpdir(), 'rampart-dashboard-queries-'));
    try {
      await writeFile(
        join(dir, 'queries.yaml'),
        stringify({ groups: [{ name: 'dashboard-queries', rules }] }),
      );
      const result = await run(promtool, ['check', 'rules', 'queries.yaml'], dir);
      expect(result.output).toContain(`SUCCESS: ${rules.length} rules found`);
      expect(result.code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('unit tests that notice a broken rule', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'rampart-rules-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    // Each mutation breaks one rule; the unit tests must then fail and name the broken case.
    const mutations = [
      {
        name: 'margin 0.05 -> 0.5',
        from: ') > 0.05',
        to: ') > 0.5',
        failing: 'treatment login success 15 points',
      },
      { name: 'no minimum volume', from: '>= 20', to: '>= 0', failing: 'fewer than 20 treatment attempts' },
      {
        name: 'no catch for a counter born at 1',
        from: 'unless rampart_rollbacks_total offset 10m',
        to: 'unless rampart_rollbacks_total',
        failing: 'a first rollback',
      },
      { name: 'paused for 5m', from: 'for: 30m', to: 'for: 5m', failing: 'paused for more than 30 minutes' },
      { name: 'fail counted as error', from: ') == 2', to: ') >= 2', failing: 'a guardrail in error' },
      {
        name: 'no absent()',
        from: ' or absent(rampart_leader)',
        to: '',
        failing: 'no rampart_leader series',
      },
      {
        name: 'harm suspected after the rollout ended',
        from: 'label_replace(rampart_rollout_phase{phase="ramping"}',
        to: 'label_replace(rampart_rollout_phase',
        failing: 'an ended rollout does not',
      },
      {
        name: 'any job down',
        from: 'up{job="rampart"} == 0',
        to: 'up == 0',
        failing: 'rampart not scrapeable',
      },
    ];

    it.each(mutations)('fail when the rules have $name', async (m) => {
      const rules = await readFile(join(alertsDir, 'rampart-rules.yaml'), 'utf8');
      expect(rules).toContain(m.from);
      await cp(join(alertsDir, 'rampart-rules.test.yaml'), join(dir, 'rampart-rules.test.yaml'));
      await writeFile(join(dir, 'rampart-rules.yaml'), rules.replace(m.from, m.to));
      expect((await run(promtool, ['check', 'rules', 'rampart-rules.yaml'], dir)).code).toBe(0);
      const result = await run(promtool, ['test', 'rules', 'rampart-rules.test.yaml'], dir);
      expect(result.code).not.toBe(0);
      expect(result.output).toContain(m.failing);
    });
  });
});
