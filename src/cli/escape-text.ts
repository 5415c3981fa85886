/**
 * Characters a terminal acts on or hides instead of showing: C0 controls (ESC starts colour,
 * cursor and title sequences), DEL, C1 controls (0x9b is a one-byte CSI), bidi embeddings,
 * overrides and isolates (they reorder what follows, "Trojan Source"), bidi marks, zero-width
 * characters and line/paragraph separators.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One unsafe character as a visible escape: `\x1b`, `\n`, `\u202e`. */
function visible(ch: string): string {
  const named = NAMED[ch];
  if (named !== undefined) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Stored text (reasons, alert summaries, holds, errors from servers) as one printable line: every
 * control, bidi and zero-width character rendered as a visible escape, so text written by anyone
 * who can send a command cannot repaint the operator's terminal or hide what it says.
 */
export function escapeText(text: string): string {
  return text.replace(UNSAFE, visible);
}
