/** Recently used emoji and the preferred skin tone, per browser (localStorage). */

const RECENT_KEY = 'atendo.emoji.recent';
const TONE_KEY = 'atendo.emoji.tone';
export const MAX_RECENT = 32;

export function recentEmoji(): string[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((e): e is string => typeof e === 'string').slice(0, MAX_RECENT) : [];
  } catch {
    return [];
  }
}

/** Most recent first, each emoji once. */
export function rememberEmoji(emoji: string): void {
  try {
    const next = [emoji, ...recentEmoji().filter((e) => e !== emoji)].slice(0, MAX_RECENT);
    localStorage.setItem(RECENT_KEY, JSON.stringify(next));
  } catch {
    // Private mode or full storage: recents are a convenience.
  }
}

/** 0 = the default yellow, 1–5 = light to dark. */
export function preferredTone(): number {
  try {
    const tone = Number(localStorage.getItem(TONE_KEY) ?? 0);
    return Number.isInteger(tone) && tone >= 0 && tone <= 5 ? tone : 0;
  } catch {
    return 0;
  }
}

export function rememberTone(tone: number): void {
  try {
    localStorage.setItem(TONE_KEY, String(tone));
  } catch {
    // see above
  }
}
