import type { Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditCommand } from '../../../src/cli/audit.js';
import {
  approveCommand,
  pauseCommand,
  promoteCommand,
  resumeCommand,
  rollbackCommand,
} from '../../../src/cli/rollout-commands.js';
import { statusCommand } from '../../../src/cli/status.js';
import { type ApiHarness, makeApiHarness, TOKENS } from '../../support/api-harness.js';
import { captureCli } from '../../support/capture-cli.js';
import { freePort } from '../../support/free-port.js';
import { startLossyProxy } from '../../support/lossy-proxy.js';

const COMMANDS = [
  statusCommand,
  auditCommand,
  pauseCommand,
  resumeCommand,
  approveCommand,
  promoteCommand,
  rollbackCommand,
];

let h: ApiHarness;
let server: Server;
let url: string;

function cli(argv: string[], env: Record<string, string> = {}) {
  return captureCli(argv, {
    env: { RAMPART_URL: url, RAMPART_TOKEN: TOKENS.operator, ...env },
    now: () => h.clock.now(),
    commands: COMMANDS,
  });
}

beforeEach(async () => {
  h = await makeApiHarness();
  await h.step('mfa-staff');
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  server = await new Promise<Server>((resolve) => {
    const s = h.app.listen(port, '127.0.0.1', () => resolve(s));
  });
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('remote CLI', () => {
  it('status lists rollouts as a table and as JSON', async () => {
    const table = await cli(['status']);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^ROLLOUT\s+PHASE\s+PERCENT\s+STEP/);
    expect(table.out).toMatch(/mfa-staff\s+ramping\s+1 %\s+1\/5\s+mfa-staff-login/);
    const json = await cli(['status', '--json']);
    expect(JSON.parse(json.out).map((r: { name: string }) => r.name)).toEqual(['checkout', 'mfa-staff']);
  });

  it('status NAME shows the flag read back and the conditions of the next advance', async () => {
    const res = await cli(['status', 'mfa-staff']);
    expect(res.code).toBe(0);
    expect(res.out).toContain('mfa-staff: ramping at 1 % (step 1 of 5: 1 → 5 → 25 → 50 → 100)');
    expect(res.out).toContain('flag mfa-staff-login as read back: on, 1 %');
    expect(res.out).toContain('[ ] bake: 60 s of bake left');
  });

  it('status --watch refreshes --count times', async () => {
    const res = await cli(['status', '--watch', '--interval', '50ms', '--count', '2', '--json']);
    expect(res.code).toBe(0);
    expect(res.out.trim().split('\n')).toHaveLength(2);
  });

  it('pause, resume and rollback act and report the new phase', async () => {
    const paused = await cli(['pause', 'mfa-staff', '--reason', 'checking tickets']);
    expect(paused).toMatchObject({ code: 0 });
    expect(paused.out).toMatch(/^mfa-staff: pause applied \(command \d+\); now paused at 1 %\n$/);
    expect((await cli(['resume', 'mfa-staff', '--reason', 'fine'])).out).toContain('now ramping at 1 %');
    expect((await cli(['rollback', 'mfa-staff', '--reason', 'lockouts'])).out).toContain(
      'now rolled_back at 0 %',
    );
    const audit = await cli(['audit', 'mfa-staff']);
    expect(audit.out).toMatch(/paused\s+ramping 1 % → paused 1 %\s+checking tickets/);
    expect(audit.out).toContain('operator-user');
  });

  it('audit escapes ESC and newlines of a stored reason; an invisible reason is refused', async () => {
    const reason = 'ok\u001b]0;owned\u0007\n999  2026  root  rollback';
    expect((await cli(['pause', 'mfa-staff', '--reason', reason])).code).toBe(0);
    const audit = await cli(['audit', 'mfa-staff']);
    expect(audit.out).toContain('ok\\x1b]0;owned\\x07\\n999  2026  root  rollback');
    expect(audit.out).not.toContain('\u001b');
    expect(audit.out).not.toMatch(/^999/m);
    const json = JSON.parse((await cli(['audit', 'mfa-staff', '--json'])).out) as { reason: string }[];
    expect(json.at(-1)?.reason).toBe(reason);
    const invisible = await cli(['resume', 'mfa-staff', '--reason', '\u200b\u2060\u0007']);
    expect(invisible.code).toBe(1);
    expect(invisible.err).toContain('reason has no visible characters');
  });

  it('audit --limit N shows the newest N in log order; --oldest-first the oldest N', async () => {
    for (const [cmd, reason] of [
      ['pause', 'first hold'],
      ['resume', 'looks fine'],
      ['pause', 'second hold'],
    ]) {
      expect((await cli([cmd as string, 'mfa-staff', '--reason', reason as string])).code).toBe(0);
    }
    const seqs = (argv: string[]) =>
      cli(['audit', 'mfa-staff', ...argv, '--json']).then((r) =>
        (JSON.parse(r.out) as { seq: number }[]).map((e) => e.seq),
      );
    const all = await seqs([]);
    expect(all.length).toBeGreaterThan(4);
    expect(all).toEqual([...all].sort((a, b) => a - b));
    expect(await seqs(['--limit', '2'])).toEqual(all.slice(-2));
    expect(await seqs(['--limit', '2', '--oldest-first'])).toEqual(all.slice(0, 2));
    const newest = await cli(['audit', 'mfa-staff', '--limit', '2']);
    expect(newest.out).toMatch(/looks fine[\s\S]*second hold/);
    expect(newest.out).not.toContain('first hold');

    // The API pages newest first with the same cursor: the last seq of the previous page.
    const page = async (query: string) =>
      (await fetch(`${url}/api/rollouts/mfa-staff/audit?${query}`, {
        headers: { Authorization: `Bearer ${TOKENS.operator}` },
      }).then((r) => r.json())) as { entries: { seq: number }[]; nextCursor: number | null };
    const first = await page('order=desc&limit=2');
    expect(first.entries.map((e) => e.seq)).toEqual(all.slice(-2).reverse());
    const second = await page(`order=desc&limit=2&cursor=${first.nextCursor}`);
    expect(second.entries.map((e) => e.seq)).toEqual(all.slice(-4, -2).reverse());
  });

  it('promote --full goes to 100 %', async () => {
    const res = await cli(['promote', 'mfa-staff', '--reason', 'ship', '--full', '--json']);
    expect(JSON.parse(res.out)).toMatchObject({ status: 'applied', percentage: 100 });
  });

  it('says what to fix for 401, 403, 404, 409 and a server that is down', async () => {
    const bad = await cli(['status'], { RAMPART_TOKEN: 'wrong' });
    expect(bad).toMatchObject({ code: 1 });
    expect(bad.err).toBe(
      `rampart status: token rejected by rampart at ${url}: check RAMPART_TOKEN (unknown API token)\n`,
    );
    const viewer = await cli(['pause', 'mfa-staff', '--reason', 'x'], { RAMPART_TOKEN: TOKENS.viewer });
    expect(viewer.err).toBe(
      'rampart pause: not allowed: token "viewer-user" has role viewer; this needs operator or admin\n',
    );
    expect((await cli(['status', 'nope'])).err).toBe('rampart status: no rollout named nope\n');
    const conflict = await cli(['approve', 'mfa-staff', '--reason', 'x']);
    expect(conflict.err).toContain('cannot approve rollout mfa-staff in phase ramping');
    const down = await cli(['status'], { RAMPART_URL: `http://127.0.0.1:${await freePort()}` });
    expect(down.code).toBe(1);
    expect(down.err).toMatch(
      /cannot reach rampart at http:\/\/127\.0\.0\.1:\d+: is it running\? \(rampart run\)/,
    );
  });

  it('a command whose answers are lost is retried with one key and applied once', async () => {
    const port = Number(new URL(url).port);
    const proxy = await startLossyProxy(port, 2);
    try {
      const res = await cli(['promote', 'mfa-staff', '--reason', 'ship it', '--json'], {
        RAMPART_URL: `http://127.0.0.1:${proxy.port}`,
      });
      expect(proxy.cut).toBe(2);
      expect(res).toMatchObject({ code: 0, err: '' });
      expect(JSON.parse(res.out)).toMatchObject({ status: 'applied', percentage: 5 });
      const promoted = (await h.store.readAudit({ rollout: 'mfa-staff' })).filter(
        (e) => e.action === 'promoted',
      );
      expect(promoted).toHaveLength(1);
      // Each invocation is its own request: a second promote is a second step.
      await cli(['promote', 'mfa-staff', '--reason', 'ship it']);
      expect((await h.controller.status('mfa-staff')).percentage).toBe(25);
    } finally {
      await proxy.close();
    }
  });

  it('says how to retry safely when every answer was lost', async () => {
    const port = Number(new URL(url).port);
    const proxy = await startLossyProxy(port, 100);
    try {
      const res = await cli(['pause', 'mfa-staff', '--reason', 'x', '--idempotency-key', 'run-42'], {
        RAMPART_URL: `http://127.0.0.1:${proxy.port}`,
      });
      expect(res.code).toBe(1);
      expect(proxy.cut).toBe(5);
      expect(res.err).toContain('rerun with --idempotency-key run-42 (applied at most once)');
      const retry = await cli([
        'pause',
        'mfa-staff',
        '--reason',
        'x',
        '--idempotency-key',
        'run-42',
        '--json',
      ]);
      expect(JSON.parse(retry.out)).toMatchObject({ status: 'applied', phase: 'paused' });
      expect(
        (await h.store.readAudit({ rollout: 'mfa-staff' })).filter((e) => e.action === 'paused'),
      ).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });

  it('refuses a command without --reason as a usage error', async () => {
    const res = await cli(['pause', 'mfa-staff']);
    expect(res.code).toBe(2);
    expect(res.err).toContain('--reason TEXT is required');
  });
});
