import { InMemStorageProvider, Unleash, UnleashEvents } from 'unleash-client';
import { followFlagChanges } from '../../instrument/instrument-unleash.js';
import type { MfaPolicy } from './mfa-policy.js';

/** The MFA policy of the demo: the unmodified unleash-client SDK asked per user. */
export class UnleashMfaPolicy implements MfaPolicy {
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly client: Unleash,
    private readonly flagName: string,
  ) {}

  /**
   * Every user of the demo's directory is a staff account, so the context says so: the flagship
   * spec scopes the flag to `accountType IN [staff]` and a user without it never gets MFA.
   */
  isEnforced(userId: string): boolean {
    return this.client.isEnabled(this.flagName, { userId, properties: { accountType: 'staff' } });
  }

  onFlagChange(listener: () => void): void {
    this.stops.push(followFlagChanges(this.client, this.flagName, listener));
  }

  close(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.client.destroy();
  }
}

export interface UnleashMfaPolicyOptions {
  /** Base URL of the client API, e.g. `http://127.0.0.1:4242/api/` (rampart's embedded one or Unleash). */
  url: string;
  /** Client token sent as the Authorization header. */
  clientToken: string;
  /** Flag to evaluate; default `mfa-staff-login`. */
  flagName?: string;
  appName?: string;
  /** How often the SDK polls for flag changes; default 1000 ms. */
  refreshIntervalMs?: number;
  /** Give up waiting for the first synchronisation after this long; default 10 s. */
  readyTimeoutMs?: number;
  /** Called with SDK errors (network failures while polling); the SDK keeps its last known flags. */
  onError?: (err: Error) => void;
}

/** Starts the SDK and resolves once it has read the flags, so the first login sees the real flag. */
export async function startUnleashMfaPolicy(options: UnleashMfaPolicyOptions): Promise<UnleashMfaPolicy> {
  const client = new Unleash({
    appName: options.appName ?? 'demo-login-service',
    url: options.url,
    customHeaders: { Authorization: options.clientToken },
    refreshInterval: options.refreshIntervalMs ?? 1000,
    disableMetrics: true,
    storageProvider: new InMemStorageProvider(),
    skipInstanceCountWarning: true,
  });
  let lastError: Error | undefined;
  client.on(UnleashEvents.Error, (err: Error) => {
    lastError = err;
    options.onError?.(err);
  });
  const timeoutMs = options.readyTimeoutMs ?? 10_000;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const why = lastError ? `: ${lastError.message}` : '';
        reject(
          new Error(`unleash-client did not synchronise with ${options.url} within ${timeoutMs} ms${why}`),
        );
      }, timeoutMs);
      client.once(UnleashEvents.Synchronized, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  } catch (err) {
    client.destroy();
    throw err;
  }
  return new UnleashMfaPolicy(client, options.flagName ?? 'mfa-staff-login');
}
