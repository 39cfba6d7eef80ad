import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** A read-only value with a copy button (webhook URL, verify token, invitation links). */
export function CopyField({ label, value }: { label: string; value: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <label className="field copy-field">
      <span>{label}</span>
      <span className="copy-row">
        <input
          readOnly
          value={value}
          className="mono"
          aria-label={label}
          onFocus={(e) => e.target.select()}
        />
        <button
          type="button"
          className="btn small"
          aria-label={`${t('settings.connect.copy')} ${label}`}
          onClick={() => {
            void navigator.clipboard?.writeText(value).then(() => setCopied(true));
          }}
        >
          {copied ? t('settings.connect.copied') : t('settings.connect.copy')}
        </button>
      </span>
    </label>
  );
}
