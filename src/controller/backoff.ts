/** First retry of a failed flag write after this long; doubles per attempt. */
export const WRITE_RETRY_BASE_MS = 1_000;
/** Retries of a failed flag write never wait longer than this. */
export const WRITE_RETRY_CAP_MS = 60_000;

/** Capped exponential backoff before attempt `attempts + 1`, given `attempts` failures so far. */
export function writeRetryDelayMs(attempts: number): number {
  const exp = Math.min(Math.max(attempts - 1, 0), 30);
  return Math.min(WRITE_RETRY_CAP_MS, WRITE_RETRY_BASE_MS * 2 ** exp);
}
