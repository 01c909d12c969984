import i18next, { type BackendModule, type ReadCallback } from 'i18next';
import { initReactI18next } from 'react-i18next';
import {
  LANGUAGE_STORAGE_KEY,
  SUPPORTED_LANGUAGES,
  detectLanguage,
  type Language,
} from './languages';

export * from './languages';

/**
 * Loads one language × namespace bundle on demand from public/locales, so a user only
 * downloads the languages and app namespaces they actually use.
 */
const fetchBackend: BackendModule = {
  type: 'backend',
  init() {},
  read(language: string, namespace: string, callback: ReadCallback) {
    const url = `${import.meta.env.BASE_URL}locales/${language}/${namespace}.json`;
    fetch(url, { headers: { Accept: 'application/json' } })
      .then((response) => {
        if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
        return response.json() as Promise<Record<string, unknown>>;
      })
      .then(
        (data) => callback(null, data),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), false),
      );
  },
};

function reflectInDocument(language: string) {
  if (typeof document !== 'undefined') document.documentElement.lang = language;
}

let initialized: Promise<typeof i18next> | null = null;

export function initI18n(language: Language = detectLanguage()): Promise<typeof i18next> {
  if (initialized) return initialized;
  i18next.on('languageChanged', reflectInDocument);
  initialized = i18next
    .use(fetchBackend)
    .use(initReactI18next)
    .init({
      lng: language,
      // No fallback bundle: locales.test.ts guarantees every key exists in every language,
      // so a pt-BR user downloads pt-BR files only.
      fallbackLng: false,
      supportedLngs: [...SUPPORTED_LANGUAGES],
      load: 'currentOnly',
      ns: ['common'],
      defaultNS: 'common',
      interpolation: { escapeValue: false }, // React escapes already
      react: { useSuspense: true },
      returnNull: false,
    })
    .then(() => i18next);
  return initialized;
}

/** Switches the UI language; `remember` keeps it as the explicit choice for the next visit. */
export async function changeLanguage(language: Language, remember = true): Promise<void> {
  if (remember) {
    try {
      localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
    } catch {
      // Private mode or full storage: the choice still applies to this visit.
    }
  }
  if (i18next.language !== language) await i18next.changeLanguage(language);
}
