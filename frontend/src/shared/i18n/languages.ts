import i18next from 'i18next';

export const SUPPORTED_LANGUAGES = ['pt-BR', 'en', 'es'] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];
export const FALLBACK_LANGUAGE: Language = 'en';
export const NAMESPACES = ['common', 'auth', 'inbox', 'tickets', 'settings'] as const;
export const LANGUAGE_STORAGE_KEY = 'atendo.language';

/**
 * Endonyms: each language is named in itself whatever the UI language, so a user who
 * landed in the wrong language can still find their own. They are deliberately not translated.
 */
export const LANGUAGE_NAMES: Record<Language, string> = {
  'pt-BR': 'Português (Brasil)',
  en: 'English',
  es: 'Español',
};

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (SUPPORTED_LANGUAGES as readonly string[]).includes(value);
}

/** Maps a BCP 47 tag from the browser ("pt", "pt-PT", "es-AR", "en-US") to a supported language. */
export function normalizeLanguage(tag: string | null | undefined): Language | null {
  if (!tag) return null;
  const lower = tag.toLowerCase();
  if (lower === 'pt' || lower.startsWith('pt-')) return 'pt-BR';
  if (lower === 'es' || lower.startsWith('es-')) return 'es';
  if (lower === 'en' || lower.startsWith('en-')) return 'en';
  return null;
}

/** Explicit choice (localStorage) first, then the browser's languages in order, then English. */
export function detectLanguage(
  nav: Pick<Navigator, 'language' | 'languages'> | undefined = globalThis.navigator,
  storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage,
): Language {
  const stored = storage?.getItem(LANGUAGE_STORAGE_KEY);
  if (isLanguage(stored)) return stored;
  const candidates = [...(nav?.languages ?? []), nav?.language];
  for (const tag of candidates) {
    const lang = normalizeLanguage(tag);
    if (lang) return lang;
  }
  return FALLBACK_LANGUAGE;
}

export function currentLanguage(): Language | null {
  const lang = i18next.resolvedLanguage ?? i18next.language;
  return isLanguage(lang) ? lang : null;
}
