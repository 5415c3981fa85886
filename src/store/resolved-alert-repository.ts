import type { Kysely } from 'kysely';
import type { AuditEntry } from '../rollout/audit.js';
import { appendAudit } from './audit-repository.js';
import type { Database } from './database.js';
import type { ResolvedAlertDraft } from './store.js';

/** Keeps `in (...)` lists well under every dialect's limit on bound parameters. */
const CHUNK = 500;

async function existing(
  db: Kysely<Database>,
  keys: string[],
  select: (db: Kysely<Database>, chunk: string[]) => Promise<string[]>,
): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < keys.length; i += CHUNK) {
    for (const key of await select(db, keys.slice(i, i + CHUNK))) found.add(key);
  }
  return found;
}

/**
 * Inside the caller's transaction (holding the `audit` lock): audits the resolved alerts whose
 * firing became a command and whose resolution is not audited yet, once per firing, and records
 * them as audited. Alertmanager re-sends resolved alerts; these re-sends write nothing.
 */
export async function auditResolvedAlerts(
  db: Kysely<Database>,
  alerts: ResolvedAlertDraft[],
  epoch: number,
): Promise<AuditEntry[]> {
  const keys = [...new Set(alerts.map((a) => a.firingKey))];
  if (keys.length === 0) return [];
  const fired = await existing(db, keys, async (trx, chunk) =>
    (
      await trx.selectFrom('commands').select('dedupe_key').where('dedupe_key', 'in', chunk).execute()
    ).flatMap((r) => (r.dedupe_key === null ? [] : [r.dedupe_key])),
  );
  const done = await existing(db, keys, async (trx, chunk) =>
    (
      await trx.selectFrom('resolved_alerts').select('dedupe_key').where('dedupe_key', 'in', chunk).execute()
    ).map((r) => r.dedupe_key),
  );
  const fresh: ResolvedAlertDraft[] = [];
  for (const alert of alerts) {
    if (!fired.has(alert.firingKey) || done.has(alert.firingKey)) continue;
    done.add(alert.firingKey);
    fresh.push(alert);
  }
  if (fresh.length === 0) return [];
  for (let i = 0; i < fresh.length; i += CHUNK) {
    await db
      .insertInto('resolved_alerts')
      .values(
        fresh
          .slice(i, i + CHUNK)
          .map((a) => ({ dedupe_key: a.firingKey, resolved_at: a.audit.at.toISOString() })),
      )
      .execute();
  }
  return appendAudit(
    db,
    fresh.map((a) => a.audit),
    epoch,
  );
}
