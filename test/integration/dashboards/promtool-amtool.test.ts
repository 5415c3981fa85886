import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const alertsDir = join(root, 'dashboards', 'alerts');
const amConfig = join(root, 'dashboards', 'alertmanager', 'alertmanager.example.yml');

/**
 * The binary from `$envVar` or PATH. Missing tools fail the suite rather than skip it: a skipped
 * check would let broken rules through unnoticed, in CI and on a laptop alike.
 */
function requireTool(name: string, envVar: string, debianPackage: string): string {
  const fromEnv = process.env[envVar];
  const candidates = fromEnv
    ? [fromEnv]
    : (process.env.PATH ?? '').split(delimiter).map((d) => join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {}
  }
  throw new Error(
    `${name} not found (${fromEnv ? `${envVar}=${fromEnv}` : 'not on PATH'}): install the Debian package ` +
      `\`${debianPackage}\` (apt-get install -y --no-install-recommends ${debianPackage}) or set ${envVar}`,
  );
}

interface Run {
  code: number;
  output: string;
}

function run(bin: string, args: string[], cwd = root): Promise<Run> {
  return new Promise((resolve) => {
    execFile(bin, args, { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

describe('Prometheus alert rules (promtool)', () => {
  let promtool: string;
  beforeAll(() => {
    promtool = requireTool('promtool', 'PROMTOOL_BIN', 'prometheus');
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

describe('Alertmanager example configuration (amtool)', () => {
  let amtool: string;
  beforeAll(() => {
    amtool = requireTool('amtool', 'AMTOOL_BIN', 'prometheus-alertmanager');
  });

  it('passes amtool check-config', async () => {
    const result = await run(amtool, ['check-config', amConfig]);
    expect(result.output).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  const routes = [
    {
      labels: ['alertname=MfaStaffLoginSuccessBelowControl', 'rollout=mfa-staff'],
      receivers: 'rampart,people',
    },
    {
      labels: [
        'alertname=RampartRollback',
        'component=rampart',
        'rampart_rollout=mfa-staff',
        'reason=guardrail',
      ],
      receivers: 'people',
    },
    {
      labels: ['alertname=RampartRolloutPausedTooLong', 'component=rampart', 'rollout=mfa-staff'],
      receivers: 'people',
    },
    { name: 'an unrelated alert', labels: ['alertname=DiskFull', 'instance=db1'], receivers: 'people' },
  ];

  it.each(routes)('routes $name to $receivers', async ({ labels, receivers }) => {
    const args = ['config', 'routes', 'test', `--config.file=${amConfig}`, `--verify.receivers=${receivers}`];
    const result = await run(amtool, [...args, ...labels]);
    expect(result.output.split('\n')[0]).toBe(receivers);
    expect(result.code).toBe(0);
  });

  it('sends rollback requests to rampart at once, with a bearer token from a file and resolved notices', async () => {
    const config = parse(await readFile(amConfig, 'utf8'));
    const route = config.route.routes.find((r: { receiver: string }) => r.receiver === 'rampart');
    expect(route.group_wait).toBe('0s');
    const webhook = config.receivers.find((r: { name: string }) => r.name === 'rampart').webhook_configs[0];
    expect(webhook.url).toBe('http://127.0.0.1:8080/api/alerts/alertmanager');
    expect(webhook.send_resolved).toBe(true);
    expect(webhook.http_config.authorization).toEqual({
      type: 'Bearer',
      credentials_file: expect.stringMatching(/^\//),
    });
  });

  it('rejects a broken configuration (the check is not a no-op)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rampart-am-'));
    try {
      const broken = (await readFile(amConfig, 'utf8')).replace('receiver: rampart', 'receiver: nobody');
      await writeFile(join(dir, 'am.yml'), broken);
      const result = await run(amtool, ['check-config', join(dir, 'am.yml')]);
      expect(result.code).not.toBe(0);
      expect(result.output).toContain('nobody');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
