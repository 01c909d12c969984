import { type EmojiRow, skinVariant } from './rows';
import { normalize } from './search';

export type EmojiDataset = 'pt' | 'en' | 'es';

/** emojibase groups shown as picker categories, in order (2, "components", is left out). */
export const EMOJI_GROUPS = [0, 1, 3, 4, 5, 6, 7, 8, 9] as const;
export type EmojiGroup = (typeof EMOJI_GROUPS)[number];

export interface Emoji {
  /** The default (yellow) form, as inserted when no skin tone is chosen. */
  emoji: string;
  label: string;
  group: number;
  order: number;
  /** The five skin-tone variants, light to dark; null when the emoji has none. */
  skins: string[] | null;
  shortcodes: string[];
  search: { name: string; keywords: string[]; shortcodes: string[]; words: string[] };
}

export interface EmojiIndex {
  dataset: EmojiDataset;
  emojis: Emoji[];
  byGroup: Map<number, Emoji[]>;
  /** Any form (default or toned) → its emoji, to name recents and resolve shortcodes. */
  byForm: Map<string, Emoji>;
  byShortcode: Map<string, Emoji>;
}

/** The UI language's dataset: pt-BR → pt, es → es, anything else → en. */
export function datasetFor(language: string): EmojiDataset {
  const code = language.toLowerCase();
  if (code.startsWith('pt')) return 'pt';
  if (code.startsWith('es')) return 'es';
  return 'en';
}

// One chunk per language, fetched only when the picker (or `:` suggestions) first needs it.
const LOADERS: Record<EmojiDataset, () => Promise<{ default: EmojiRow[] }>> = {
  pt: () => import('virtual:atendo-emoji/pt'),
  en: () => import('virtual:atendo-emoji/en'),
  es: () => import('virtual:atendo-emoji/es'),
};

const loaded = new Map<EmojiDataset, Promise<EmojiIndex>>();

export function loadEmojiIndex(language: string): Promise<EmojiIndex> {
  const dataset = datasetFor(language);
  let index = loaded.get(dataset);
  if (!index) {
    index = LOADERS[dataset]().then(({ default: rows }) => buildIndex(dataset, rows, newestSupportedVersion()));
    // A failed download (offline) may be retried by opening the picker again.
    index.catch(() => loaded.delete(dataset));
    loaded.set(dataset, index);
  }
  return index;
}

export function buildIndex(dataset: EmojiDataset, rows: EmojiRow[], maxVersion = Infinity): EmojiIndex {
  const emojis: Emoji[] = [];
  const byGroup = new Map<number, Emoji[]>();
  const byForm = new Map<string, Emoji>();
  const byShortcode = new Map<string, Emoji>();
  rows.forEach(([emoji, label, tags, group, version, skins, codes], order) => {
    if (version > maxVersion) return; // this device would draw an empty box
    const shortcodes = codes ? codes.split(' ') : [];
    const keywords = tags ? tags.split(' ').map(normalize) : [];
    const name = normalize(label);
    const entry: Emoji = {
      emoji,
      label,
      group,
      order,
      skins: skins === 0 ? null : skins === 1 ? [1, 2, 3, 4, 5].map((tone) => skinVariant(emoji, tone)) : skins,
      shortcodes,
      search: {
        name,
        keywords,
        shortcodes,
        words: [...new Set([...name.split(/[\s:,]+/), ...keywords, ...shortcodes.flatMap((c) => c.split('_'))])].filter(Boolean),
      },
    };
    emojis.push(entry);
    (byGroup.get(group) ?? byGroup.set(group, []).get(group))?.push(entry);
    for (const form of [emoji, emoji.replace(/\uFE0F/g, ''), ...(entry.skins ?? [])]) if (!byForm.has(form)) byForm.set(form, entry);
    for (const code of shortcodes) if (!byShortcode.has(code)) byShortcode.set(code, entry);
  });
  return { dataset, emojis, byGroup, byForm, byShortcode };
}

/** The form to show and insert for a chosen tone (0 = default). */
export function withTone(emoji: Emoji, tone: number): string {
  return tone > 0 && emoji.skins ? (emoji.skins[tone - 1] ?? emoji.emoji) : emoji.emoji;
}

/**
 * The newest emoji version this device draws in colour. One probe per recent version: an
 * unsupported emoji renders as an empty box (no colour) or, for sequences, as two glyphs side
 * by side (twice as wide). Without a canvas (tests, very old browsers) everything is offered.
 */
const PROBES: [number, string][] = [
  [17, '\u{1FAEA}'], // distorted face
  [16, '\u{1FAE9}'], // face with bags under eyes
  [15.1, '\u{1F642}\u200D\u2194\uFE0F'], // head shaking horizontally
  [15, '\u{1FAE8}'], // shaking face
  [14, '\u{1FAE0}'], // melting face
  [13.1, '\u{1F636}\u200D\u{1F32B}\uFE0F'], // face in clouds
  [13, '\u{1F972}'], // smiling face with tear
  [12.1, '\u{1F9D1}\u200D\u{1F9B0}'], // person: red hair
  [12, '\u{1F971}'], // yawning face
  [11, '\u{1F970}'], // smiling face with hearts
];

let newest: number | null = null;

export function newestSupportedVersion(): number {
  if (newest !== null) return newest;
  newest = Infinity;
  if (typeof OffscreenCanvas === 'undefined') return newest;
  try {
    const canvas = new OffscreenCanvas(64, 32);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) return newest;
    context.font = '24px "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji", sans-serif';
    context.textBaseline = 'top';
    const single = context.measureText('\u{1F600}').width;
    for (const [version, probe] of PROBES) {
      context.clearRect(0, 0, 64, 32);
      context.fillText(probe, 0, 0);
      const pixels = context.getImageData(0, 0, 32, 32).data;
      let coloured = false;
      for (let i = 0; i < pixels.length && !coloured; i += 4) {
        const [r = 0, g = 0, b = 0, a = 0] = [pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]];
        coloured = a > 0 && (Math.abs(r - g) > 20 || Math.abs(g - b) > 20);
      }
      if (coloured && context.measureText(probe).width < single * 1.5) {
        newest = version;
        return newest;
      }
    }
    newest = 10; // nothing recent draws: keep to the long-supported set
  } catch {
    newest = Infinity;
  }
  return newest;
}
