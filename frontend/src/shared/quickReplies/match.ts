import type { QuickReply } from '../api/types';

/** Lower case without accents: "Horário" and "horario" are the same search. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The `/query` being typed: from the slash to the end of the word under the caret. */
export interface SlashToken {
  start: number;
  end: number;
  query: string;
}

/**
 * A slash at the start of the text or after whitespace, followed by the caret with no space in
 * between, opens suggestions: "/ol", "Oi! /ol". URLs ("https://x") and "and/or" do not.
 */
export function findSlashToken(text: string, caret: number): SlashToken | null {
  const match = /(^|\s)\/([^\s/]*)$/.exec(text.slice(0, caret));
  if (!match) return null;
  const query = match[2] ?? '';
  const rest = /^\S*/.exec(text.slice(caret))?.[0] ?? '';
  return { start: caret - query.length - 1, end: caret + rest.length, query };
}

/** The text with the token replaced by `insertion`, and where the caret goes (after it). */
export function applyToken(text: string, token: SlashToken, insertion: string): { text: string; caret: number } {
  return { text: text.slice(0, token.start) + insertion + text.slice(token.end), caret: token.start + insertion.length };
}

/** Lower is better: how well a reply answers the query, or null when it does not. */
function score(reply: QuickReply, query: string): number | null {
  if (!query) return 0;
  const shortcut = fold(reply.shortcut);
  const title = fold(reply.title);
  if (shortcut === query) return 0;
  if (shortcut.startsWith(query)) return 1;
  if (title.startsWith(query) || title.includes(` ${query}`)) return 2;
  if (shortcut.includes(query)) return 3;
  if (title.includes(query)) return 4;
  // The body is long: only words starting with the query count ("ol" is not in "voltarmos").
  if (` ${fold(reply.body).replace(/[^\p{L}\p{N}]+/gu, ' ')}`.includes(` ${query}`)) return 5;
  return null;
}

/**
 * The replies matching `query`, best first: shortcut matches before title and body matches;
 * among equals, the most used, then by shortcut (personal before shared on a tie).
 */
export function rankQuickReplies(replies: readonly QuickReply[], query: string): QuickReply[] {
  const folded = fold(query.trim());
  return replies
    .map((reply) => ({ reply, score: score(reply, folded) }))
    .filter((entry): entry is { reply: QuickReply; score: number } => entry.score !== null)
    .sort(
      (a, b) =>
        a.score - b.score ||
        b.reply.use_count - a.reply.use_count ||
        a.reply.shortcut.localeCompare(b.reply.shortcut) ||
        Number(b.reply.personal) - Number(a.reply.personal),
    )
    .map((entry) => entry.reply);
}

/** Rows of `extra` not already in `base` (same id), appended. */
export function mergeById(base: readonly QuickReply[], extra: readonly QuickReply[]): QuickReply[] {
  const seen = new Set(base.map((r) => r.id));
  return [...base, ...extra.filter((r) => !seen.has(r.id))];
}
