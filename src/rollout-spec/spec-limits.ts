/**
 * Size bounds of a rollout spec. A real spec is a few KiB with a handful of guardrails; the bounds
 * are far above that and low enough that parsing the largest allowed file takes milliseconds, so
 * a reload of a watched file cannot hold up ticks, the API or the webhook.
 */
export const SPEC_LIMITS = {
  /**
   * Bytes of one spec file; checked before the YAML is parsed. The YAML parser reads about
   * 0.5-1 MB/s of many small keys, so 64 KiB keeps the worst file well under 100 ms.
   */
  fileBytes: 64 * 1024,
  description: 2_000,
  /** Names of flags, backends, projects, environments, context fields, notifiers. */
  name: 100,
  /** Prometheus metric and label names. */
  metricName: 200,
  labelValue: 1_000,
  /** Label matchers of one selector (`matchers`, `good`, `alerts.match`). */
  matchers: 20,
  steps: 100,
  guardrails: 50,
  promql: 10_000,
  cron: 200,
  denyWindows: 50,
  notify: 20,
} as const;

/** `262144` -> `256 KiB`, for size messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(bytes % 1024 === 0 ? 0 : 1)} KiB`;
  return `${bytes} bytes`;
}
