import { describe, expect, it } from 'vitest';
import { DICTIONARIES, LANGUAGES, formatBytes, normalizeLanguage, pickLanguage, translator } from './i18n';

describe('pickLanguage', () => {
  it.each([
    [{ languages: ['pt-BR', 'en'], language: 'pt-BR' }, 'pt-BR'],
    [{ languages: ['pt-PT'], language: 'pt-PT' }, 'pt-BR'],
    [{ languages: ['pt'], language: 'pt' }, 'pt-BR'],
    [{ languages: ['es-AR', 'en'], language: 'es-AR' }, 'es'],
    [{ languages: ['en-GB'], language: 'en-GB' }, 'en'],
    [{ languages: ['de-DE', 'fr', 'es'], language: 'de-DE' }, 'es'],
    [{ languages: ['de-DE'], language: 'de-DE' }, 'en'],
    [{ languages: [], language: 'ES' }, 'es'],
    [{}, 'en'],
    [undefined, 'en'],
  ])('%j -> %s', (nav, expected) => {
    expect(pickLanguage(nav as Navigator | undefined)).toBe(expected);
  });

  it('does not take "e" or "english" for a prefix match', () => {
    expect(normalizeLanguage('english')).toBeNull();
    expect(normalizeLanguage('portuguese')).toBeNull();
    expect(normalizeLanguage('')).toBeNull();
  });
});

describe('dictionaries', () => {
  it('every language has every key, non-empty, with the same placeholders', () => {
    const keys = Object.keys(DICTIONARIES.en).sort();
    for (const lng of LANGUAGES) {
      expect(Object.keys(DICTIONARIES[lng]).sort()).toEqual(keys);
      for (const key of keys) {
        const value = DICTIONARIES[lng][key as keyof typeof DICTIONARIES.en];
        expect(value.trim()).not.toBe('');
        const vars = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
        expect(vars(value)).toEqual(vars(DICTIONARIES.en[key as keyof typeof DICTIONARIES.en]));
      }
    }
  });

  it('translator interpolates and leaves unknown placeholders', () => {
    expect(translator('pt-BR')('typing', { name: 'Ana' })).toBe('Ana está digitando…');
    expect(translator('es')('typing', { name: 'Ana' })).toBe('Ana está escribiendo…');
    expect(translator('en')('typing')).toBe('{name} is typing…');
    expect(translator('en')('unread', { count: 3 })).toBe('3 unread messages');
  });

  it('interpolated values are not re-interpreted', () => {
    expect(translator('en')('typing', { name: '{count} $& <b>' })).toBe('{count} $& <b> is typing…');
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [2048, '2 KB'],
    [1572864, '1.5 MB'],
    [26214400, '25 MB'],
  ])('%d -> %s', (n, s) => expect(formatBytes(n)).toBe(s));
});
