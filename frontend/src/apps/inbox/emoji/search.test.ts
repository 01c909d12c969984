import pt from 'virtual:atendo-emoji/pt';
import en from 'virtual:atendo-emoji/en';
import es from 'virtual:atendo-emoji/es';
import { describe, expect, it } from 'vitest';
import { buildIndex, datasetFor, withTone } from './data';
import { SKIN_TONES, skinVariant } from './rows';
import { normalize, searchEmoji } from './search';

const indexes = { pt: buildIndex('pt', pt), en: buildIndex('en', en), es: buildIndex('es', es) };

function top(dataset: keyof typeof indexes, query: string, count = 5): string[] {
  return searchEmoji(indexes[dataset].emojis, query, count).map((e) => e.emoji.replace(/\uFE0F/g, ''));
}

describe('emoji search in the UI language', () => {
  it('finds the red heart first for "heart" in each language, with or without accents', () => {
    expect(top('pt', 'coração')[0]).toBe('❤');
    expect(top('pt', 'coracao')[0]).toBe('❤');
    expect(top('es', 'corazón')[0]).toBe('❤');
    expect(top('en', 'heart')[0]).toBe('❤');
    // Other hearts follow.
    expect(top('pt', 'coração', 20)).toEqual(expect.arrayContaining(['💔', '💙']));
  });

  it('matches names and keywords, every word of the query', () => {
    expect(top('pt', 'polegar para cima')[0]).toBe('👍');
    expect(top('es', 'pulgar')).toContain('👍');
    expect(top('en', 'thumbs up')[0]).toBe('👍');
    expect(top('pt', 'valeu')).toContain('👍'); // a Brazilian keyword, not in the name
    expect(top('pt', 'gato')).toContain('🐈');
    expect(top('es', 'gato')).toContain('🐈');
    expect(top('en', 'gato')).toEqual([]);
  });

  it('knows GitHub shortcodes in every language', () => {
    for (const dataset of ['pt', 'en', 'es'] as const) {
      expect(top(dataset, '+1')[0]).toBe('👍');
      expect(top(dataset, ':tada:')[0]).toBe('🎉');
    }
    expect(indexes.pt.byShortcode.get('heart')?.emoji).toBe('❤️');
  });

  it('returns nothing for an empty query and normalises case and accents', () => {
    expect(searchEmoji(indexes.pt.emojis, '   ')).toEqual([]);
    expect(normalize(' Ação ')).toBe('acao');
  });
});

describe('emoji data', () => {
  it('picks the dataset of the UI language', () => {
    expect([datasetFor('pt-BR'), datasetFor('es'), datasetFor('en'), datasetFor('de')]).toEqual(['pt', 'es', 'en', 'en']);
  });

  it('has the categories but no skin-tone swatches or loose regional letters', () => {
    const pick = indexes.pt;
    expect([...pick.byGroup.keys()].sort()).toEqual([0, 1, 3, 4, 5, 6, 7, 8, 9]);
    expect(pick.byForm.has('\u{1F3FB}')).toBe(false);
    expect(pick.byForm.has('\u{1F1E6}')).toBe(false);
    expect(pick.emojis.length).toBeGreaterThan(1800);
    expect(pick.byGroup.get(9)?.some((e) => e.emoji === '🇧🇷')).toBe(true);
  });

  it('derives skin tones, spelling out the ones the rule does not cover', () => {
    const thumbs = indexes.en.byShortcode.get('+1');
    expect(thumbs?.skins).toEqual(SKIN_TONES.map((tone) => `👍${tone}`));
    expect(withTone(thumbs!, 3)).toBe('👍🏽');
    expect(withTone(thumbs!, 0)).toBe('👍️');
    const holding = indexes.en.emojis.find((e) => e.emoji === '🧑‍🤝‍🧑');
    expect(holding?.skins?.[0]).toBe('🧑🏻‍🤝‍🧑🏻');
    expect(skinVariant('☝️', 5)).toBe('☝🏿');
    expect(indexes.en.byShortcode.get('smile')?.skins).toBeNull();
  });

  it('leaves out emoji newer than the device can draw', () => {
    const old = buildIndex('en', en, 12);
    expect(old.byShortcode.get('smiling_face_with_tear')).toBeUndefined(); // 🥲, emoji 13
    expect(indexes.en.byShortcode.get('smiling_face_with_tear')?.emoji).toBe('🥲');
    expect(old.byShortcode.get('heart')).toBeDefined();
  });
});
