import type { RawOverride } from '../rollout-spec/parse-yaml-with-schema.js';

/** Environment variables that override rampart.yaml, and the field each one sets. */
const ENV_OVERRIDES = {
  RAMPART_HOST: ['listen', 'host'],
  RAMPART_PORT: ['listen', 'port'],
  RAMPART_PUBLIC_URL: ['publicUrl'],
  RAMPART_SPECS_DIR: ['specsDir'],
  RAMPART_STORE_URL: ['store', 'url'],
  RAMPART_PROMETHEUS_URL: ['metricSource', 'url'],
} as const;

export type Env = Readonly<Record<string, string | undefined>>;

/** Numbers arrive as text; integers are converted so the schema can judge them, anything else stays text. */
function typed(name: string, value: string): unknown {
  return name === 'RAMPART_PORT' && /^\d+$/.test(value) ? Number(value) : value;
}

/**
 * The overrides set in `env`. RAMPART_PROMETHEUS_URL also selects the prometheus metric source
 * when the file names none. It never silently replaces a `scrape` source: the url lands on it and
 * the schema reports an unknown field, naming this variable.
 */
export function envOverrides(env: Env, raw: unknown): RawOverride[] {
  const overrides: RawOverride[] = [];
  for (const [name, path] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    const source = `environment variable ${name}`;
    if (name === 'RAMPART_PROMETHEUS_URL') {
      const current = (raw as { metricSource?: { type?: unknown } } | null)?.metricSource;
      if (current === undefined) {
        overrides.push({ path: ['metricSource'], value: { type: 'prometheus', url: value }, source });
        continue;
      }
    }
    overrides.push({ path, value: typed(name, value), source });
  }
  return overrides;
}
