import { escapeText } from './escape-text.js';

/**
 * Left-aligned columns separated by two spaces; the first row is the header. Cells are escaped
 * (escape-text.ts): they hold stored text, and a newline or ESC in one would break the table or
 * the terminal.
 */
export function table(cells: readonly (readonly string[])[]): string {
  const rows = cells.map((r) => r.map(escapeText));
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
