import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './locales/en.ts';
import { ja } from './locales/ja.ts';

/** Languages of the console. */
export type Locale = 'ja' | 'en';
export const LOCALES: Locale[] = ['ja', 'en'];

const STORAGE_KEY = 'tsunagi.locale';

/** The browser's preferred supported language (Japanese for any `ja*`, else English). */
export function browserLocale(): Locale {
  const langs = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const l of langs) {
    if (l.toLowerCase().startsWith('ja')) return 'ja';
    if (l.toLowerCase().startsWith('en')) return 'en';
  }
  return 'en';
}

/** The language to start with: the last one chosen on this browser, else the browser's. */
export function initialLocale(): Locale {
  const saved = localStorage.getItem(STORAGE_KEY);
  return saved === 'ja' || saved === 'en' ? saved : browserLocale();
}

/** Switches the UI language (and remembers it on this browser; the account setting is saved by the caller). */
export async function setLocale(locale: Locale): Promise<void> {
  localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
  await i18next.changeLanguage(locale);
}

/** Forgets the per-browser choice (account setting "browser default"). */
export function clearSavedLocale(): void {
  localStorage.removeItem(STORAGE_KEY);
}

/** Initialises i18next with both languages bundled (they are small; no loading flash). */
export function initI18n(): typeof i18next {
  const lng = initialLocale();
  document.documentElement.lang = lng;
  void i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, ja: { translation: ja } },
    lng,
    fallbackLng: 'en',
    interpolation: { escapeValue: false }, // React escapes; strings never become HTML
    returnNull: false,
  });
  return i18next;
}
