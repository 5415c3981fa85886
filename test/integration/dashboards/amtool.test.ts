import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { requireTestServer } from '../../support/test-servers.js';
import { root, run } from './cli-tools.js';

const amConfig = join(root, 'dashboards', 'alertmanager', 'alertmanager.example.yml');

describe('Alertmanager example configuration (amtool)', () => {
  let amtool: string;
  beforeAll(() => {
    amtool = requireTestServer('amtool');
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
