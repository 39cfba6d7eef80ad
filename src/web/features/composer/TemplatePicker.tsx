import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../components/Dialog.tsx';
import { WaText } from '../../components/message/WaText.tsx';
import { useTemplates } from '../../lib/queries.ts';
import { buildTemplateSend, templatePreview, templateVariables } from '../../lib/template.ts';
import type { Template } from '../../lib/types.ts';

/** Choose an approved template, fill its variables, see what the customer will read, send. */
export function TemplatePicker({
  phoneNumberId,
  onClose,
  onSend,
}: {
  phoneNumberId: string;
  onClose: () => void;
  onSend: (template: Record<string, unknown>) => Promise<void>;
}) {
  const { t } = useTranslation();
  const templates = useTemplates(phoneNumberId);
  const [search, setSearch] = useState('');
  const [chosen, setChosen] = useState<Template | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const approved = (templates.data ?? []).filter(
    (tp) => tp.status.toUpperCase() === 'APPROVED' && tp.name.toLowerCase().includes(search.toLowerCase()),
  );
  const vars = useMemo(() => (chosen ? templateVariables(chosen.components) : []), [chosen]);
  const preview = chosen ? templatePreview(chosen.components, (k) => values[k]) : null;
  const complete = vars.every((v) => (values[v.key] ?? '').trim() !== '');

  return (
    <Dialog title={t('template.title')} onClose={onClose} wide>
      <div className="template-picker">
        <div className="template-list">
          <input
            type="search"
            placeholder={t('template.search')}
            aria-label={t('template.search')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
          {templates.isLoading && <p>{t('app.loading')}</p>}
          {!templates.isLoading && approved.length === 0 && <p className="muted">{t('template.none')}</p>}
          <ul role="listbox" aria-label={t('template.title')}>
            {approved.map((tp) => (
              <li key={`${tp.name}:${tp.language}`} role="option" aria-selected={chosen === tp}>
                <button
                  type="button"
                  className={`template-item ${chosen === tp ? 'active' : ''}`}
                  onClick={() => {
                    setChosen(tp);
                    setValues({});
                  }}
                >
                  <strong>{tp.name}</strong> <span className="chip">{tp.language}</span>{' '}
                  <span className="chip">{tp.category}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
        {chosen && preview && (
          <div className="template-form">
            {vars.length > 0 && <h3>{t('template.variables')}</h3>}
            {vars.map((v) => (
              <label key={v.key} className="field">
                <span>
                  {v.component === 'header'
                    ? t('template.headerVariable', { name: v.name })
                    : v.component === 'button'
                      ? t('template.buttonVariable', { index: (v.buttonIndex ?? 0) + 1 })
                      : t('template.variable', { name: `{{${v.name}}}` })}
                </span>
                <input
                  value={values[v.key] ?? ''}
                  placeholder={v.example ?? (v.media ? 'https://…' : '')}
                  type={v.media ? 'url' : 'text'}
                  onChange={(e) => setValues({ ...values, [v.key]: e.target.value })}
                />
              </label>
            ))}
            <h3>{t('template.preview')}</h3>
            <div className="bubble out preview-bubble" data-testid="template-preview">
              {preview.header && <div className="msg-header">{preview.header}</div>}
              {preview.headerMedia && <div className="media-placeholder">{preview.headerMedia}</div>}
              <WaText text={preview.body} />
              {preview.footer && <div className="msg-footer">{preview.footer}</div>}
              {preview.buttons.length > 0 && (
                <div className="msg-buttons">
                  {preview.buttons.map((b, i) => (
                    <span key={i} className="msg-button static">
                      {b}
                    </span>
                  ))}
                </div>
              )}
            </div>
            <button
              type="button"
              className="btn primary"
              disabled={!complete || busy}
              onClick={async () => {
                setBusy(true);
                try {
                  await onSend(buildTemplateSend(chosen, values));
                } finally {
                  setBusy(false);
                }
              }}
            >
              {t('template.send')}
            </button>
          </div>
        )}
      </div>
    </Dialog>
  );
}
