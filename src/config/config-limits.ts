/**
 * Size bounds of rampart.yaml, far above a real configuration (a few hundred bytes to a few KiB),
 * so a hostile or broken file is refused with a clear message instead of being parsed at length.
 */
export const CONFIG_LIMITS = {
  /** Bytes of rampart.yaml; checked before the YAML is parsed. */
  fileBytes: 256 * 1024,
  /** URLs, host names, user names. */
  text: 2_048,
  /** Paths of secret files, the specs folder, a SQLite file. */
  path: 4_096,
  flagBackends: 20,
  notifiers: 20,
  apiTokens: 200,
} as const;
