import { existsSync } from 'node:fs';
import type { Env } from '../config/env-overrides.js';
import { loadConfig } from '../config/load-config.js';
import { resolveConfig } from '../config/resolve-config.js';
import { formatIssue } from '../errors/validation-error.js';
import { exposureReport } from '../exposure/exposure-report.js';
import type { ExposureUser } from '../exposure/user-exposure.js';
import { exposureBodySchema } from '../http/exposure-schema.js';
import { openPostgresStore } from '../store/open-postgres-store.js';
import { openSqliteStore } from '../store/open-sqlite-store.js';
import { RemoteError } from './api-client.js';
import type { WireReport } from './exposure.js';

/**
 * The exposure report read straight from the store a rampart.yaml names (no server needed, e.g.
 * after an incident on a stopped controller). Problems are thrown as RemoteError-like messages
 * the command prints as they are.
 */
export async function exposureFromStore(
  configPath: string,
  rollout: string,
  query: { from: string; to: string; population?: number },
  users: ExposureUser[] | undefined,
  env: Env,
): Promise<WireReport> {
  const loaded = await loadConfig({ path: configPath, env });
  const resolved = loaded.ok ? resolveConfig(loaded.value, env) : loaded;
  if (!resolved.ok)
    throw new RemoteError(`invalid configuration\n${resolved.error.issues.map(formatIssue).join('\n')}`);
  const body = exposureBodySchema.safeParse(query);
  if (!body.success)
    throw new RemoteError(body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const location = resolved.value.store;
  // Reading must not create an empty store where the configured one is missing.
  if (location.kind === 'sqlite' && !existsSync(location.path))
    throw new RemoteError(`no store at ${location.path} (store.url of ${configPath})`);
  const store =
    location.kind === 'sqlite'
      ? await openSqliteStore({ path: location.path })
      : await openPostgresStore({
          url: location.url,
          ...(location.password ? { password: location.password } : {}),
        });
  try {
    const state = await store.getRollout(rollout);
    if (!state) throw new RemoteError(`no rollout named ${rollout} in the store of ${configPath}`);
    const audit = await store.readAudit({ rollout });
    const report = exposureReport(rollout, state.spec.flag, audit, {
      ...body.data,
      ...(users ? { users } : {}),
    });
    return JSON.parse(JSON.stringify(report)) as WireReport;
  } finally {
    await store.close();
  }
}
