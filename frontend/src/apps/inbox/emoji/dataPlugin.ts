import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';
import { buildEmojiRows } from './rows.js';

/** UI language → emojibase dataset; each is its own lazily loaded chunk. */
export const EMOJI_DATASETS = ['pt', 'en', 'es'] as const;

const PREFIX = 'virtual:atendo-emoji/';

/**
 * `import('virtual:atendo-emoji/pt')` → that language's emoji rows (labels and search tags),
 * trimmed at build time from emojibase-data: the browser never fetches from a CDN, and only
 * the UI language's dataset (~45 kB gzip) loads, when the picker first opens.
 */
export function emojiDataPlugin(): Plugin {
  const root = dirname(createRequire(import.meta.url).resolve('emojibase-data/package.json'));
  const read = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8'));
  return {
    name: 'atendo-emoji-data',
    resolveId(id) {
      return id.startsWith(PREFIX) ? `\0${id}` : null;
    },
    load(id) {
      if (!id.startsWith(`\0${PREFIX}`)) return null;
      const dataset = id.slice(PREFIX.length + 1);
      if (!(EMOJI_DATASETS as readonly string[]).includes(dataset)) throw new Error(`unknown emoji dataset ${dataset}`);
      const rows = buildEmojiRows(read(`${dataset}/compact.json`), read('versions/emoji.json'), read('en/shortcodes/github.json'));
      // JSON.parse of a string literal is faster to load than the same data as an object literal.
      return `export default JSON.parse(${JSON.stringify(JSON.stringify(rows))});`;
    },
  };
}
