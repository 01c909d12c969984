/**
 * The compact emoji rows the picker downloads, one dataset per UI language, built from
 * emojibase-data at build time (see dataPlugin.ts). Shared by the build step and the browser.
 *
 * A row: [emoji, label, tags, group, version, skins, shortcodes]
 * - tags and shortcodes are space-separated (shortcodes are GitHub's: `+1`, `heart`);
 * - skins is 0 (none), 1 (the five tones follow the usual rule, see `skinVariant`), or the five
 *   toned strings when the rule does not hold (couples, holding hands).
 */
export type EmojiRow = [string, string, string, number, number, 0 | 1 | string[], string];

/** Unicode's skin tone modifiers, light to dark. */
export const SKIN_TONES = ['\u{1F3FB}', '\u{1F3FC}', '\u{1F3FD}', '\u{1F3FE}', '\u{1F3FF}'] as const;

/** The common rule for toned emoji: the modifier right after the first code point, no VS16. */
export function skinVariant(emoji: string, tone: number): string {
  const modifier = SKIN_TONES[tone - 1];
  if (!modifier) return emoji;
  const points = [...emoji.replace(/\uFE0F/g, '')];
  points.splice(1, 0, modifier);
  return points.join('');
}

/** The emojibase group of skin tone swatches and hair components: not offered on their own. */
export const COMPONENT_GROUP = 2;

interface CompactEmoji {
  unicode: string;
  label: string;
  hexcode: string;
  group?: number;
  order?: number;
  tags?: string[];
  skins?: { unicode: string }[];
}

/** emojibase's compact dataset (+ version map and shortcodes) → rows, in emojibase order. */
export function buildEmojiRows(
  compact: CompactEmoji[],
  versions: Record<string, string[]>,
  shortcodes: Record<string, string | string[]>,
): EmojiRow[] {
  const versionOf = new Map<string, number>();
  for (const [version, hexcodes] of Object.entries(versions)) {
    for (const hexcode of hexcodes) versionOf.set(hexcode, Number(version));
  }
  return compact
    .filter((e) => e.group !== undefined && e.group !== COMPONENT_GROUP)
    .sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
    .map((e) => {
      const codes = shortcodes[e.hexcode] ?? [];
      return [
        e.unicode,
        e.label,
        (e.tags ?? []).join(' '),
        e.group ?? 0,
        versionOf.get(e.hexcode) ?? 0,
        skinsOf(e),
        (Array.isArray(codes) ? codes : [codes]).join(' '),
      ];
    });
}

/** The five single-tone variants: flagged as following the rule, or spelled out when not. */
function skinsOf(e: CompactEmoji): EmojiRow[5] {
  if (!e.skins?.length) return 0;
  const uniform = SKIN_TONES.map((modifier) =>
    e.skins?.find((s) => {
      const used = SKIN_TONES.filter((m) => s.unicode.includes(m));
      return used.length === 1 && used[0] === modifier;
    })?.unicode,
  );
  if (uniform.some((s) => !s)) return 0; // only mixed tones: offer the default
  const toned = uniform as string[];
  return toned.every((s, i) => s.replace(/\uFE0F/g, '') === skinVariant(e.unicode, i + 1)) ? 1 : toned;
}
