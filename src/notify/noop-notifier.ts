import type { Notifier } from './notifier.js';

/** Drops every notification; for rollouts that name no notifier channel and for tests. */
export class NoopNotifier implements Notifier {
  async notify(): Promise<void> {}
}
