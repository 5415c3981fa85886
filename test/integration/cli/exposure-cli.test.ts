import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exposureCommand } from '../../../src/cli/exposure.js';
import { Controller } from '../../../src/controller/controller.js';
import { EmbeddedFlagBackend } from '../../../src/flag-backends/embedded/embedded-flag-backend.js';
import { normalizedValue } from '../../../src/flag-backends/stickiness-hash.js';
import { openSqliteStore } from '../../../src/store/open-sqlite-store.js';
import { ManualClock } from '../../../src/time/manual-clock.js';
import { type ApiHarness, bearer, makeApiHarness, TOKENS } from '../../support/api-harness.js';
import { captureCli } from '../../support/capture-cli.js';
import { testSpec } from '../../support/controller-harness.js';
import { freePort } from '../../support/free-port.js';
import { ScriptedVerdictSource } from '../../support/scripted-verdict-source.js';

let h: ApiHarness;
let server: Server;
let url: string;
let dir: string;

function cli(argv: string[]) {
  return captureCli(argv, {
    env: { RAMPART_URL: url, RAMPART_TOKEN: TOKENS.viewer },
    now: () => h.clock.now(),
    commands: [exposureCommand],
  });
}

beforeEach(async () => {
  h = await makeApiHarness();
  dir = await mkdtemp(join(tmpdir(), 'rampart-exposure-'));
  await h.step('mfa-staff'); // 1 %
  await h.step('mfa-staff', 60_000); // 5 %
  h.clock.advance(20_000);
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  server = await new Promise<Server>((resolve) => {
    const s = h.app.listen(port, '127.0.0.1', () => resolve(s));
  });
  await fetch(`${url}/api/rollouts/mfa-staff/rollback`, {
    method: 'POST',
    headers: { ...bearer(TOKENS.operator), 'content-type': 'application/json' },
    body: JSON.stringify({ reason: 'fault' }),
  });
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

async function faultWindow(): Promise<{ from: string; to: string; exposureCommand: string }> {
  const audit = await h.store.readAudit({ rollout: 'mfa-staff' });
  const confirmed = audit.find((e) => e.action === 'rollback_confirmed');
  const evidence = confirmed?.evidence as {
    faultWindow: { from: string; to: string; exposureCommand: string };
  };
  return evidence.faultWindow;
}

describe('rampart exposure', () => {
  it('runs the command a rollback printed, in batches, and lists the exposed accounts', async () => {
    const ids = Array.from({ length: 4500 }, (_, i) => `user-${i + 1}`);
    const file = join(dir, 'accounts.txt');
    await writeFile(file, `# every account\n${ids.join('\n')}\n`);
    const w = await faultWindow();
    const argv = w.exposureCommand.replace('ACCOUNTS_FILE', file).split(' ').slice(1);
    const expected = ids.filter((id) => normalizedValue(id, 'mfa-staff-login') <= 5);
    const listed = await cli([...argv, '--ids']);
    expect(listed.err).toBe('');
    expect(listed.code).toBe(0);
    expect(listed.out.trim().split('\n')).toEqual(expected);
    const human = await cli(argv);
    expect(human.out).toContain(`window ${w.from} to ${w.to}: at most 5 % served`);
    expect(human.out).toContain(
      `4500 accounts: ${expected.length} exposed, ${4500 - expected.length} not exposed, 0 undecided`,
    );
    const json = JSON.parse((await cli([...argv, '--json'])).out);
    expect(json.users.results).toHaveLength(4500);
  });

  it('estimates without accounts, and reports file problems with their line', async () => {
    const w = await faultWindow();
    const estimate = await cli([
      'exposure',
      'mfa-staff',
      '--from',
      w.from,
      '--to',
      w.to,
      '--population',
      '2000',
    ]);
    expect(estimate.out).toContain('estimate: 5 % of the accounts in scope had the flag on = 100 of 2000');
    const bad = join(dir, 'bad.jsonl');
    await writeFile(bad, '{"userId":"u1"}\n{"userId":\n{"accountType":"staff"}\n');
    const res = await cli(['exposure', 'mfa-staff', '--from', w.from, '--to', w.to, '--users', bad]);
    expect(res.code).toBe(1);
    expect(res.err).toContain(`${bad}:2: not valid JSON`);
    expect(res.err).toContain(`${bad}:3: userId must be a non-empty string`);
    expect((await cli(['exposure', 'mfa-staff', '--from', w.from])).code).toBe(2);
  });

  it('reads the store of a rampart.yaml directly with --config', async () => {
    const path = join(dir, 'rampart.sqlite');
    const store = await openSqliteStore({ path });
    const clock = new ManualClock(Date.parse('2026-12-01T10:00:00Z'));
    const controller = new Controller({
      store,
      flagBackend: () => new EmbeddedFlagBackend(store.flags, clock),
      verdictSource: new ScriptedVerdictSource(),
      clock,
    });
    await controller.register(testSpec());
    await controller.tick('mfa-staff'); // 1 %
    await store.close();
    const config = join(dir, 'rampart.yaml');
    await writeFile(config, `apiVersion: rampart/v1\nkind: Config\nstore:\n  url: sqlite:${path}\n`);
    const file = join(dir, 'a.txt');
    await writeFile(file, 'user-1\nuser-2\n');
    // Both runs read the same window of the same store.
    const exposure = (rollout: string, ...extra: string[]) =>
      cli([
        'exposure',
        rollout,
        '--config',
        config,
        '--from',
        '2026-12-01T10:00:00Z',
        '--to',
        '2026-12-01T11:00:00Z',
        ...extra,
      ]);
    const local = await exposure('mfa-staff', '--users', file, '--json');
    expect(local.err).toBe('');
    const report = JSON.parse(local.out);
    expect(report.maxPercentage).toBe(1);
    expect(report.users.results.map((r: { status: string }) => r.status)).toEqual(
      ['user-1', 'user-2'].map((id) =>
        normalizedValue(id, 'mfa-staff-login') <= 1 ? 'exposed' : 'not_exposed',
      ),
    );
    const missing = await exposure('nope');
    expect(missing.err).toContain('no rollout named nope');
  });
});
