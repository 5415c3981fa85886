import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createNotifier, notifyAll } from '../../../src/notify/create-notifier.js';
import type { Notification, Notifier } from '../../../src/notify/notifier.js';
import { type HttpPoster, slackMessage } from '../../../src/notify/slack-webhook-notifier.js';
import { createLogger } from '../../../src/telemetry/create-logger.js';

const SECRET_URL = 'https://hooks.example.invalid/services/T000/B000/secret-part';

const rollback: Notification = {
  rollout: 'mfa-staff',
  title: 'mfa-staff rolled back',
  reason: 'guardrail login-success: upper bound -0.071 < -0.050',
  fromPhase: 'ramping',
  toPhase: 'rolled_back',
  percentage: 0,
  url: 'http://127.0.0.1:8080/#mfa-staff',
  at: new Date('2026-11-30T09:40:00Z'),
};

/** Fails the first `failures` posts, then records the bodies it accepts. */
class FlakyPoster implements HttpPoster {
  calls = 0;
  delivered: unknown[] = [];
  constructor(private failures: number) {}
  async post(url: string, body: unknown): Promise<unknown> {
    this.calls++;
    if (this.failures-- > 0) throw new Error(`connect ECONNREFUSED for ${url}`);
    this.delivered.push(body);
    return {};
  }
}

function capturedLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

describe('SlackWebhookNotifier', () => {
  it('formats the phase change, reason and status page link', () => {
    const { text } = slackMessage(rollback);
    expect(text).toContain('*mfa-staff rolled back*');
    expect(text).toContain('ramping → rolled_back, 0 %');
    expect(text).toContain('upper bound -0.071 < -0.050');
    expect(text).toContain('<http://127.0.0.1:8080/#mfa-staff|status page>');
  });

  it('retries a failing webhook and delivers once it answers', async () => {
    const http = new FlakyPoster(2);
    const { logger } = capturedLogger();
    const notifier = createNotifier('release', { type: 'slack-webhook', url: SECRET_URL }, { http, logger });
    await notifier.notify(rollback);
    expect(http.calls).toBe(3);
    expect(http.delivered).toEqual([slackMessage(rollback)]);
  });

  it('gives up without throwing and never logs the webhook URL', async () => {
    const http = new FlakyPoster(100);
    const { logger, lines } = capturedLogger();
    const notifier = createNotifier('release', { type: 'slack-webhook', url: SECRET_URL }, { http, logger });
    await expect(notifier.notify(rollback)).resolves.toBeUndefined();
    expect(http.calls).toBe(3);
    expect(lines.join('')).toContain('notification not delivered');
    expect(lines.join('')).not.toContain('secret-part');
  });

  it('notifyAll reaches every named channel even when one fails', async () => {
    const seen: string[] = [];
    const failing: Notifier = {
      notify: async () => {
        throw new Error('boom');
      },
    };
    const recording: Notifier = { notify: async (n) => void seen.push(n.rollout) };
    const channels = new Map([
      ['a', failing],
      ['b', recording],
    ]);
    await expect(notifyAll(channels, ['a', 'b'], rollback)).resolves.toBeUndefined();
    expect(seen).toEqual(['mfa-staff']);
  });

  it('rejects an unknown notifier type and lists the valid ones', () => {
    const { logger } = capturedLogger();
    const bad = { type: 'email' } as unknown as Parameters<typeof createNotifier>[1];
    expect(() => createNotifier('x', bad, { http: new FlakyPoster(0), logger })).toThrow(
      'notifier "x": unknown type "email"; valid: slack-webhook, noop',
    );
  });
});

describe('slackMessage of a rollback', () => {
  const from = new Date('2026-11-30T09:20:00Z');
  it('opens the fault window, and the confirmation prints the exposure command for it', () => {
    const open = slackMessage({ ...rollback, faultWindow: { from, to: null, percentage: 25 } }).text;
    expect(open).toContain(
      'fault window from 2026-11-30T09:20:00.000Z (start of the 25 % step) until the rollback takes effect',
    );
    const to = new Date('2026-11-30T09:40:01Z');
    const closed = slackMessage({ ...rollback, faultWindow: { from, to, percentage: 25 } }).text;
    expect(closed).toContain(
      'Who had the flag on: `rampart exposure mfa-staff --from 2026-11-30T09:20:00.000Z --to 2026-11-30T09:40:01.000Z --users ACCOUNTS_FILE`',
    );
    expect(slackMessage(rollback).text).not.toContain('fault window');
  });
});
