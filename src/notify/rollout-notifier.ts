import axios from 'axios';
import type { Logger } from 'pino';
import { createNotifier, notifyAll, type ResolvedNotifierConfig } from './create-notifier.js';
import type { Notification, Notifier } from './notifier.js';

/**
 * The controller's one notifier: sends each notification to the channels the rollout's spec
 * names in `notify`, with a link to the rollout on the status page.
 */
export class RolloutNotifier implements Notifier {
  private readonly channels = new Map<string, readonly string[]>();

  constructor(
    private readonly notifiers: ReadonlyMap<string, Notifier>,
    private readonly publicUrl: string,
  ) {}

  /** One channel per configured notifier (secrets already resolved). */
  static fromConfig(
    configs: Readonly<Record<string, ResolvedNotifierConfig>>,
    publicUrl: string,
    logger: Logger,
  ): RolloutNotifier {
    const http = axios.create();
    const channels = new Map<string, Notifier>();
    for (const [name, config] of Object.entries(configs))
      channels.set(name, createNotifier(name, config, { http, logger }));
    return new RolloutNotifier(channels, publicUrl);
  }

  /** Records (or updates, on spec reload) which channels a rollout notifies. */
  route(rollout: string, channels: readonly string[]): void {
    this.channels.set(rollout, channels);
  }

  async notify(n: Notification): Promise<void> {
    const channels = this.channels.get(n.rollout) ?? [];
    if (channels.length === 0) return;
    const url = n.url ?? `${this.publicUrl.replace(/\/+$/, '')}/#/rollouts/${encodeURIComponent(n.rollout)}`;
    await notifyAll(this.notifiers, channels, { ...n, url });
  }
}
