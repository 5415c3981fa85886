import { quote } from './field-path.js';
import type { PathIssue } from './zod-issues.js';

/**
 * One issue for every item of the raw list `items` (at `list`) whose `name` an earlier item already
 * has, pointing at the later one and naming the first. `what` is e.g. `guardrail` or `token`.
 */
export function duplicateNameIssues(items: readonly unknown[], list: string, what: string): PathIssue[] {
  const first = new Map<string, number>();
  const issues: PathIssue[] = [];
  items.forEach((item, i) => {
    const name = item !== null && typeof item === 'object' ? (item as { name?: unknown }).name : undefined;
    if (typeof name !== 'string') return;
    const at = first.get(name);
    if (at === undefined) first.set(name, i);
    else {
      issues.push({
        path: [list, i, 'name'],
        at: 'value',
        message: `${quote(name)} is not allowed; ${what} names must be unique (${list}[${at}] has it)`,
      });
    }
  });
  return issues;
}
