/** `text` with `insert` replacing the selection [start, end); returns the new text and caret. */
export function insertAt(text: string, insert: string, start: number, end: number = start): { text: string; caret: number } {
  const from = Math.max(0, Math.min(start, text.length));
  const to = Math.max(from, Math.min(end, text.length));
  return { text: text.slice(0, from) + insert + text.slice(to), caret: from + insert.length };
}

/**
 * A `:word` being typed right before the caret (at the start or after a space), for emoji
 * suggestions: `{start, query}` or null. Times ("10:30"), links and `:)` never match.
 */
export function shortcodeAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(^|\s):([\p{L}\p{N}_+-]{2,30})$/u.exec(before);
  if (!match) return null;
  const query = match[2] ?? '';
  return { start: caret - query.length - 1, query };
}

/** A complete `:shortcode:` right before the caret (replaced by its emoji as it is typed). */
export function closedShortcodeAt(text: string, caret: number): { start: number; code: string } | null {
  const match = /(^|\s):([a-z0-9_+-]{1,40}):$/.exec(text.slice(0, caret));
  if (!match) return null;
  const code = match[2] ?? '';
  return { start: caret - code.length - 2, code };
}
