import { useTranslation } from 'react-i18next';
import { setLocale, type Locale } from '../lib/i18n.ts';

/** 日本語 / English toggle; `onChange` also saves the choice to the account when signed in. */
export function LanguageSwitch({ onChange }: { onChange?: (l: Locale) => void }) {
  const { t, i18n } = useTranslation();
  const current = i18n.language === 'ja' ? 'ja' : 'en';
  const choose = (l: Locale) => (onChange ? onChange(l) : void setLocale(l));
  return (
    <div className="lang-switch" role="group" aria-label={t('app.language')}>
      <button
        type="button"
        className={current === 'ja' ? 'active' : ''}
        aria-pressed={current === 'ja'}
        onClick={() => choose('ja')}
        lang="ja"
      >
        日本語
      </button>
      <button
        type="button"
        className={current === 'en' ? 'active' : ''}
        aria-pressed={current === 'en'}
        onClick={() => choose('en')}
        lang="en"
      >
        English
      </button>
    </div>
  );
}
