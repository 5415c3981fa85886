import { ExponentialBackoff, handleAll, retry } from 'cockatiel';
import type { Logger } from 'pino';
import { exposureCommand } from '../rollout/fault-window.js';
import type { Notification, Notifier } from './notifier.js';

const ICONS: Record<string, string> = {
  rolled_back: ':rotating_light:',
  paused: ':double_vertical_bar:',
  completed: ':white_check_mark:',
  awaiting_approval: ':raised_hand:',
};

/** The one HTTP call a webhook notifier makes; an AxiosInstance satisfies it. */
export interface HttpPoster {
  post(url: string, body: unknown, config: { timeout: number }): Promise<unknown>;
}

/** Formats a notification as a Slack-compatible incoming-webhook message (also understood by Mattermost). */
export function slackMessage(n: Notification): { text: string } {
  const icon = ICONS[n.toPhase] ?? ':arrow_right:';
  const from = n.fromPhase ? `${n.fromPhase} → ` : '';
  const link = n.url ? ` <${n.url}|status page>` : '';
  return {
    text: `${icon} *${n.title}* (${from}${n.toPhase}, ${n.percentage} %)\n${n.reason}${link}${faultWindowText(n)}`,
  };
}

/** The remediation line of a rollback: the fault window and, once it is closed, the exposure command. */
function faultWindowText(n: Notification): string {
  const w = n.faultWindow;
  if (!w) return '';
  const from = `fault window from ${w.from.toISOString()} (start of the ${w.percentage} % step)`;
  if (w.to === null) return `\n${from} until the rollback takes effect`;
  const command = exposureCommand(n.rollout, { from: w.from, to: w.to });
  return `\n${from} to ${w.to.toISOString()} (rollback effective). Who had the flag on: \`${command}\``;
}

/**
 * Posts to an incoming webhook. The URL is a secret: it is never logged. Delivery is retried
 * a few times with backoff; a notifier that keeps failing is logged and given up, because a
 * failing chat service must never block or delay a rollback.
 */
export class SlackWebhookNotifier implements Notifier {
  private readonly policy;

  constructor(
    private readonly name: string,
    private readonly http: HttpPoster,
    private readonly webhookUrl: string,
    private readonly logger: Logger,
    options: { attempts?: number; initialDelayMs?: number } = {},
  ) {
    this.policy = retry(handleAll, {
      maxAttempts: (options.attempts ?? 3) - 1,
      backoff: new ExponentialBackoff({ initialDelay: options.initialDelayMs ?? 200, maxDelay: 5_000 }),
    });
  }

  async notify(n: Notification): Promise<void> {
    try {
      await this.policy.execute(() => this.http.post(this.webhookUrl, slackMessage(n), { timeout: 5_000 }));
    } catch (error) {
      const reason = error instanceof Error ? error.message.replace(this.webhookUrl, '[webhook]') : 'unknown';
      this.logger.warn({ notifier: this.name, rollout: n.rollout, reason }, 'notification not delivered');
    }
  }
}
