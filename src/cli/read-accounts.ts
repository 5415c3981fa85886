import type { ExposureUser } from '../exposure/user-exposure.js';
import { exposureUserSchema } from '../http/exposure-schema.js';

/** Accounts of a file, or the problems found in it (each with its line). */
export type ReadAccounts = { ok: true; users: ExposureUser[] } | { ok: false; problems: string[] };

/**
 * Parses an accounts file: one account a line, either its userId or an Unleash context as JSON
 * (`{"userId":"u1","accountType":"staff"}`, fields top-level or under `properties`). Blank lines
 * and lines starting with `#` are skipped. Every problem is reported, with `source:line`.
 */
export function readAccounts(text: string, source: string): ReadAccounts {
  const users: ExposureUser[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    let value: unknown = line;
    if (line.startsWith('{')) {
      try {
        value = JSON.parse(line);
      } catch (error) {
        problems.push(`${source}:${i + 1}: not valid JSON (${(error as Error).message})`);
        return;
      }
    }
    const parsed = exposureUserSchema.safeParse(value);
    if (parsed.success) users.push(parsed.data);
    else problems.push(`${source}:${i + 1}: ${parsed.error.issues.map((x) => x.message).join('; ')}`);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, users };
}
