import { describe, expect, it } from 'vitest';
import { readLocales } from '../../test/i18n';
import { NAMESPACES, SUPPORTED_LANGUAGES, detectLanguage, normalizeLanguage } from './languages';

function flatten(value: unknown, prefix = ''): string[] {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
  }
  return [prefix];
}

function placeholders(text: unknown): string[] {
  return typeof text === 'string' ? [...text.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1] ?? '').sort() : [];
}

function lookup(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

describe('locale files', () => {
  const locales = readLocales();

  it('exist for every supported language and declared namespace', () => {
    expect(Object.keys(locales).sort()).toEqual([...SUPPORTED_LANGUAGES].sort());
    for (const lng of SUPPORTED_LANGUAGES) {
      for (const ns of NAMESPACES) expect(locales[lng]?.[ns], `${lng}/${ns}.json`).toBeDefined();
    }
  });

  it('have the same namespaces and keys in every language', () => {
    const problems: string[] = [];
    const allNamespaces = new Set(Object.values(locales).flatMap((l) => Object.keys(l)));
    for (const ns of allNamespaces) {
      const keysByLang = Object.fromEntries(
        Object.entries(locales).map(([lng, nss]) => [lng, new Set(flatten(nss[ns] ?? {}))]),
      );
      const union = new Set(Object.values(keysByLang).flatMap((s) => [...s]));
      for (const [lng, keys] of Object.entries(keysByLang)) {
        for (const key of union) if (!keys.has(key)) problems.push(`${lng}/${ns}.json lacks "${key}"`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('have no empty strings and the same {{placeholders}} in every language', () => {
    const problems: string[] = [];
    const en = locales.en ?? {};
    for (const [lng, nss] of Object.entries(locales)) {
      for (const [ns, tree] of Object.entries(nss)) {
        for (const key of flatten(tree)) {
          const value = lookup(tree, key);
          if (typeof value !== 'string' || value.trim() === '') problems.push(`${lng}/${ns}:${key} is empty`);
          const expected = placeholders(lookup(en[ns], key));
          if (JSON.stringify(placeholders(value)) !== JSON.stringify(expected)) {
            problems.push(`${lng}/${ns}:${key} placeholders differ from en`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('language detection', () => {
  const noStorage = { getItem: () => null };

  it('maps browser tags to supported languages', () => {
    expect(normalizeLanguage('pt-BR')).toBe('pt-BR');
    expect(normalizeLanguage('pt')).toBe('pt-BR');
    expect(normalizeLanguage('es-AR')).toBe('es');
    expect(normalizeLanguage('en-GB')).toBe('en');
    expect(normalizeLanguage('de-DE')).toBeNull();
  });

  it('uses pt-BR for Brazilian browsers and falls back to en', () => {
    expect(detectLanguage({ language: 'pt-BR', languages: ['pt-BR', 'en'] }, noStorage)).toBe('pt-BR');
    expect(detectLanguage({ language: 'de-DE', languages: ['de-DE', 'fr'] }, noStorage)).toBe('en');
    expect(detectLanguage({ language: 'fr', languages: ['fr', 'es'] }, noStorage)).toBe('es');
  });

  it('prefers an explicit stored choice', () => {
    expect(detectLanguage({ language: 'pt-BR', languages: ['pt-BR'] }, { getItem: () => 'es' })).toBe('es');
  });
});
