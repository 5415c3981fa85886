import type { Registry } from 'prom-client';

/** The summed value of a metric's series whose labels include `match`; undefined when no series matches. */
export async function readCounter(
  registry: Registry,
  name: string,
  match: Record<string, string> = {},
): Promise<number | undefined> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []).filter((v) =>
    Object.entries(match).every(([k, want]) => String(v.labels[k]) === want),
  );
  return values.length === 0 ? undefined : values.reduce((sum, v) => sum + v.value, 0);
}
