import type { Logger } from 'pino';
import { NoopNotifier } from './noop-notifier.js';
import type { Notification, Notifier } from './notifier.js';
import { type HttpPoster, SlackWebhookNotifier } from './slack-webhook-notifier.js';

/** A notifier as configured in rampart.yaml, with its secret already resolved from env or file. */
export type ResolvedNotifierConfig = { type: 'slack-webhook'; url: string } | { type: 'noop' };

const NOTIFIER_TYPES = ['slack-webhook', 'noop'] as const;

export function createNotifier(
  name: string,
  config: ResolvedNotifierConfig,
  deps: { http: HttpPoster; logger: Logger },
): Notifier {
  const type = config.type;
  switch (type) {
    case 'slack-webhook':
      return new SlackWebhookNotifier(name, deps.http, config.url, deps.logger);
    case 'noop':
      return new NoopNotifier();
    default: {
      const unknown: never = type;
      throw new Error(
        `notifier "${name}": unknown type "${String(unknown)}"; valid: ${NOTIFIER_TYPES.join(', ')}`,
      );
    }
  }
}

/**
 * Sends one notification to the channels a rollout names. Channels run in parallel and
 * each swallows its own failures, so this never rejects.
 */
export async function notifyAll(
  notifiers: ReadonlyMap<string, Notifier>,
  channels: readonly string[],
  n: Notification,
): Promise<void> {
  await Promise.allSettled(channels.map((c) => notifiers.get(c)?.notify(n)));
}
