import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../components/Dialog.tsx';
import { MessageContent } from '../../components/message/MessageContent.tsx';

interface Row {
  title: string;
  description: string;
}

/** Builds an interactive message: up to 3 reply buttons, or a list of up to 10 rows; with a live preview. */
export function InteractiveBuilder({
  onClose,
  onSend,
}: {
  onClose: () => void;
  onSend: (interactive: Record<string, unknown>) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<'button' | 'list'>('button');
  const [body, setBody] = useState('');
  const [header, setHeader] = useState('');
  const [footer, setFooter] = useState('');
  const [buttons, setButtons] = useState<string[]>(['', '']);
  const [listButton, setListButton] = useState('');
  const [section, setSection] = useState('');
  const [rows, setRows] = useState<Row[]>([{ title: '', description: '' }]);
  const [busy, setBusy] = useState(false);

  const interactive: Record<string, unknown> = {
    type: kind,
    ...(header.trim() ? { header: { type: 'text', text: header.trim() } } : {}),
    body: { text: body },
    ...(footer.trim() ? { footer: { text: footer.trim() } } : {}),
    action:
      kind === 'button'
        ? {
            buttons: buttons
              .filter((b) => b.trim())
              .map((b, i) => ({ type: 'reply', reply: { id: `btn_${i + 1}`, title: b.trim() } })),
          }
        : {
            button: listButton.trim(),
            sections: [
              {
                ...(section.trim() ? { title: section.trim() } : {}),
                rows: rows
                  .filter((r) => r.title.trim())
                  .map((r, i) => ({
                    id: `row_${i + 1}`,
                    title: r.title.trim(),
                    ...(r.description.trim() ? { description: r.description.trim() } : {}),
                  })),
              },
            ],
          },
  };
  const valid =
    body.trim() !== '' &&
    (kind === 'button'
      ? buttons.some((b) => b.trim()) && buttons.every((b) => b.length <= 20)
      : listButton.trim() !== '' &&
        listButton.length <= 20 &&
        rows.some((r) => r.title.trim()) &&
        rows.every((r) => r.title.length <= 24 && r.description.length <= 72));

  return (
    <Dialog title={t('interactive.title')} onClose={onClose} wide>
      <div className="template-picker">
        <div className="template-form">
          <div className="segmented" role="tablist">
            <button
              type="button"
              role="tab"
              aria-selected={kind === 'button'}
              className={kind === 'button' ? 'active' : ''}
              onClick={() => setKind('button')}
            >
              {t('interactive.buttons')}
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={kind === 'list'}
              className={kind === 'list' ? 'active' : ''}
              onClick={() => setKind('list')}
            >
              {t('interactive.list')}
            </button>
          </div>
          <label className="field">
            <span>{t('interactive.header')}</span>
            <input value={header} maxLength={60} onChange={(e) => setHeader(e.target.value)} />
          </label>
          <label className="field">
            <span>{t('interactive.body')}</span>
            <textarea value={body} maxLength={1024} rows={3} onChange={(e) => setBody(e.target.value)} />
          </label>
          <label className="field">
            <span>{t('interactive.footer')}</span>
            <input value={footer} maxLength={60} onChange={(e) => setFooter(e.target.value)} />
          </label>
          {kind === 'button' &&
            buttons.map((b, i) => (
              <div key={i} className="row-inputs">
                <label className="field grow">
                  <span>{t('interactive.buttonTitle', { index: i + 1 })}</span>
                  <input
                    value={b}
                    maxLength={20}
                    onChange={(e) => setButtons(buttons.map((x, j) => (j === i ? e.target.value : x)))}
                  />
                </label>
                {buttons.length > 1 && (
                  <button
                    type="button"
                    className="link-button small"
                    onClick={() => setButtons(buttons.filter((_, j) => j !== i))}
                  >
                    {t('interactive.remove')}
                  </button>
                )}
              </div>
            ))}
          {kind === 'button' && buttons.length < 3 && (
            <button type="button" className="link-button" onClick={() => setButtons([...buttons, ''])}>
              + {t('interactive.addButton')}
            </button>
          )}
          {kind === 'list' && (
            <>
              <label className="field">
                <span>{t('interactive.listButton')}</span>
                <input value={listButton} maxLength={20} onChange={(e) => setListButton(e.target.value)} />
              </label>
              <label className="field">
                <span>{t('interactive.sectionTitle')}</span>
                <input value={section} maxLength={24} onChange={(e) => setSection(e.target.value)} />
              </label>
              {rows.map((r, i) => (
                <div key={i} className="row-inputs">
                  <label className="field grow">
                    <span>{t('interactive.rowTitle', { index: i + 1 })}</span>
                    <input
                      value={r.title}
                      maxLength={24}
                      onChange={(e) =>
                        setRows(rows.map((x, j) => (j === i ? { ...x, title: e.target.value } : x)))
                      }
                    />
                  </label>
                  <label className="field grow">
                    <span>{t('interactive.rowDescription')}</span>
                    <input
                      value={r.description}
                      maxLength={72}
                      onChange={(e) =>
                        setRows(rows.map((x, j) => (j === i ? { ...x, description: e.target.value } : x)))
                      }
                    />
                  </label>
                  {rows.length > 1 && (
                    <button
                      type="button"
                      className="link-button small"
                      onClick={() => setRows(rows.filter((_, j) => j !== i))}
                    >
                      {t('interactive.remove')}
                    </button>
                  )}
                </div>
              ))}
              {rows.length < 10 && (
                <button
                  type="button"
                  className="link-button"
                  onClick={() => setRows([...rows, { title: '', description: '' }])}
                >
                  + {t('interactive.addRow')}
                </button>
              )}
            </>
          )}
          <p className="small muted">{t('interactive.limits')}</p>
        </div>
        <div className="template-form">
          <h3>{t('template.preview')}</h3>
          <div className="bubble out preview-bubble">
            <MessageContent type="interactive" content={{ type: 'interactive', interactive }} />
          </div>
          <button
            type="button"
            className="btn primary"
            disabled={!valid || busy}
            onClick={async () => {
              setBusy(true);
              try {
                await onSend(interactive);
              } finally {
                setBusy(false);
              }
            }}
          >
            {t('interactive.send')}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
