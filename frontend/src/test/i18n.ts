import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

export const LOCALES_DIR = join(__dirname, '..', '..', 'public', 'locales');

export function readLocales(): Record<string, Record<string, Record<string, unknown>>> {
  const out: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const lng of readdirSync(LOCALES_DIR)) {
    out[lng] = {};
    for (const file of readdirSync(join(LOCALES_DIR, lng)).filter((f) => f.endsWith('.json'))) {
      out[lng][file.replace(/\.json$/, '')] = JSON.parse(readFileSync(join(LOCALES_DIR, lng, file), 'utf8'));
    }
  }
  return out;
}

/** The app's global i18next, fed synchronously from public/locales instead of over HTTP. */
export async function setupTestI18n(lng = 'en') {
  if (!i18next.isInitialized) {
    await i18next.use(initReactI18next).init({
      lng,
      fallbackLng: 'en',
      resources: readLocales(),
      defaultNS: 'common',
      interpolation: { escapeValue: false },
      react: { useSuspense: false },
    });
  } else {
    await i18next.changeLanguage(lng);
  }
  return i18next;
}
