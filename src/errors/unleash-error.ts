import { AppError } from './app-error.js';

/** What went wrong talking to Unleash; the value is also the `code` rampart's API answers with. */
export type UnleashErrorCode =
  /** No connection (refused, reset, DNS): the server is down or the URL is wrong. */
  | 'unleash_unreachable'
  /** No answer within the configured timeout. */
  | 'unleash_timeout'
  /** 401 or 403: the admin token is wrong, expired or lacks permission. */
  | 'unleash_unauthorized'
  /** 404: the project, flag or environment named in the rollout does not exist there. */
  | 'unleash_not_found'
  /** 409: the write clashes with the server's state (e.g. a name taken, a concurrent edit). */
  | 'unleash_conflict'
  /** Another 4xx (e.g. 400): Unleash refuses the request as sent. */
  | 'unleash_request_rejected'
  /** 5xx: a fault on Unleash's side. */
  | 'unleash_server_error'
  /** 2xx with a body rampart cannot read (wrong server, incompatible version). */
  | 'unleash_bad_response'
  /** The write succeeded but reading the flag back showed something else (a concurrent hand edit, a lost write). */
  | 'flag_write_unconfirmed';

/** Whether the same call may succeed later: only transient faults are worth a retry. */
const RETRYABLE: Record<UnleashErrorCode, boolean> = {
  unleash_unreachable: true,
  unleash_timeout: true,
  unleash_unauthorized: false,
  unleash_not_found: false,
  unleash_conflict: false,
  unleash_request_rejected: false,
  unleash_server_error: true,
  unleash_bad_response: false,
  flag_write_unconfirmed: false,
};

/** The part of a flag a write is checked on (errors/ depends on no plug point). */
interface FlagReading {
  enabled: boolean;
  percentage: number | null;
  /** The strategy's scope for people, when the write is checked on it too. */
  scope?: string;
}

function scopeText(reading: FlagReading): string {
  return reading.scope === undefined ? '' : ` scope=${reading.scope}`;
}

/**
 * A call to Unleash's Admin API failed. rampart's own API answers 502 for these: the fault is upstream.
 * `url` is the Unleash base URL (never the token); `status` is Unleash's HTTP status when it answered one.
 */
export class UnleashError extends AppError {
  readonly statusCode = 502;
  readonly retryable: boolean;
  readonly status: number | undefined;

  constructor(
    readonly code: UnleashErrorCode,
    message: string,
    readonly url: string,
    options?: { status?: number; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = RETRYABLE[code];
    this.status = options?.status;
  }

  /**
   * `tokenSource` says where the token was configured (e.g. `adminTokenFile: /run/secrets/unleash`,
   * `adminTokenEnv: UNLEASH_ADMIN_TOKEN`), so the message points at what to fix, never at the value.
   */
  static unauthorized(url: string, status: number, tokenSource: string): UnleashError {
    return new UnleashError(
      'unleash_unauthorized',
      `admin token rejected by Unleash at ${url} (HTTP ${status}): check the token of ${tokenSource}`,
      url,
      { status },
    );
  }

  static writeUnconfirmed(
    url: string,
    flag: string,
    expected: FlagReading,
    actual: FlagReading,
  ): UnleashError {
    return new UnleashError(
      'flag_write_unconfirmed',
      `flag ${flag}: wrote enabled=${expected.enabled} percentage=${expected.percentage}${scopeText(expected)} but read back ` +
        `enabled=${actual.enabled} percentage=${actual.percentage}${scopeText(actual)}`,
      url,
    );
  }
}
