import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { rolloutsDashboard } from './rollouts-dashboard.js';

/** A generic generated dashboard and the file under dashboards/ it is written to (rollout dashboards: rampart dashboards). */
export interface DashboardFile {
  file: string;
  build(): dashboard.Dashboard;
}

export const DASHBOARD_FILES: readonly DashboardFile[] = [
  { file: 'rampart-rollouts.json', build: rolloutsDashboard },
];

/** Sorts object keys at every depth; arrays keep their order (panel order is meaningful). */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}

/** The file text of a dashboard: sorted keys, two-space indent, trailing newline. */
export function renderDashboard(d: dashboard.Dashboard): string {
  return `${JSON.stringify(sortKeys(d), null, 2)}\n`;
}
