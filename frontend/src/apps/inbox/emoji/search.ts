import type { Emoji } from './data';

/** Lower-case, without accents: "Coração" and "coracao" are the same search. */
export function normalize(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
}

/**
 * Emoji whose name, keywords (in the UI language) or GitHub shortcode match `query`, best
 * first: the whole name, then a name that starts with it, a keyword, a word of the name that
 * starts with it, and finally anything containing it. Every word of the query must match.
 * Well-known emoji win ties ("coração" → ❤️ before 💘), then emojibase order.
 */
export function searchEmoji(emojis: readonly Emoji[], query: string, limit = 200): Emoji[] {
  const q = normalize(query).replace(/^:+|:+$/g, '');
  if (!q) return [];
  const terms = q.split(/\s+/);
  const scored: { emoji: Emoji; score: number }[] = [];
  for (const emoji of emojis) {
    const score = scoreOf(emoji, q, terms);
    if (score > 0) scored.push({ emoji, score: score + popularity(emoji.emoji) });
  }
  scored.sort((a, b) => b.score - a.score || a.emoji.order - b.emoji.order);
  return scored.slice(0, limit).map((s) => s.emoji);
}

function scoreOf(emoji: Emoji, q: string, terms: string[]): number {
  const { name, keywords, shortcodes, words } = emoji.search;
  if (!terms.every((term) => words.some((word) => word.startsWith(term)) || name.includes(term))) return 0;
  if (name === q) return 100;
  if (shortcodes.includes(q)) return 90;
  if (name.startsWith(q)) return 80;
  if (keywords.includes(q)) return 70;
  if (name.split(' ').some((word) => word.startsWith(q))) return 60;
  if (shortcodes.some((code) => code.startsWith(q))) return 50;
  if (keywords.some((keyword) => keyword.startsWith(q))) return 40;
  return 20;
}

/** What people send most in support chats, across languages; a small boost within a tier. */
const POPULAR = ['❤️', '👍', '😂', '🙏', '😊', '😍', '🥰', '😘', '👏', '😁', '🎉', '✅', '🔥', '😉', '🙂', '😅', '🤝', '👋', '😢', '😭', '🤗', '👌', '😀', '🤔'];

function popularity(emoji: string): number {
  const bare = emoji.replace(/\uFE0F/g, '');
  const rank = POPULAR.findIndex((p) => p.replace(/\uFE0F/g, '') === bare);
  return rank < 0 ? 0 : 9 - rank * 0.3;
}
