import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MessageContent } from '../../components/message/MessageContent.tsx';
import { errorsAt } from './draft.ts';
import {
  LIMITS,
  checkModel,
  fromModel,
  previewContent,
  switchKind,
  toModel,
  type ResponseKind,
  type ResponseModel,
} from './response.ts';
import type { DocError, Menu } from './types.ts';
import { FieldErrors } from './widgets.tsx';

const KINDS: ResponseKind[] = ['text', 'buttons', 'list', 'menu', 'json'];

/**
 * Edits one automatic reply: text (with conditional blocks and contact variables), reply buttons, a list, or
 * "show a menu"; a WhatsApp-like preview beside it. `path` is where the response sits in the document, so the
 * server's errors for it (and inside it) show here.
 */
export function ResponseEditor({
  value,
  onChange,
  menus,
  path,
  errors,
  label,
  disabled,
}: {
  value: unknown;
  onChange: (v: unknown) => void;
  menus: readonly Menu[];
  path: string;
  errors: readonly DocError[];
  label: string;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const [model, setModel] = useState<ResponseModel>(() => toModel(value));
  const [json, setJson] = useState(() => JSON.stringify(value ?? null, null, 2));
  const [jsonError, setJsonError] = useState(false);
  // Another rule selected (or a rollback): start from the new value.
  useEffect(() => {
    setModel((m) => (JSON.stringify(fromModel(m)) === JSON.stringify(value) ? m : toModel(value)));
  }, [value]);

  const set = (m: ResponseModel) => {
    setModel(m);
    if (m.kind !== 'json') onChange(fromModel(m));
  };
  // An untouched response (nothing saved yet) is not an error until the server says it is needed.
  const problems = value === undefined ? [] : checkModel(model);
  const problemText = (at: string) =>
    problems
      .filter((p) => p.at === at)
      .map((p) => t(`automation.response.errors.${p.key}`, { limit: p.limit ?? 0 }))
      .join(' ');
  const preview = previewContent(value, menus as Array<{ id: string; header: string; options: [] }>);
  const id = path.replace(/\W/g, '-');

  return (
    <fieldset className="field response-editor" disabled={disabled} data-path={path}>
      <legend>{label}</legend>
      <div className="segmented" role="radiogroup" aria-label={t('automation.response.kind')}>
        {KINDS.map((k) => (
          <button
            key={k}
            type="button"
            role="radio"
            aria-checked={model.kind === k}
            className={model.kind === k ? 'active' : ''}
            onClick={() => {
              const next = switchKind(model, k);
              if (k === 'json') setJson(JSON.stringify(fromModel(model) ?? null, null, 2));
              set(next);
            }}
          >
            {t(`automation.response.kinds.${k}`)}
          </button>
        ))}
      </div>
      <div className="response-grid">
        <div className="response-form">
          {(model.kind === 'text' || model.kind === 'buttons' || model.kind === 'list') && (
            <div className="field">
              <label htmlFor={`${id}-body`}>{t('automation.response.body')}</label>
              <textarea
                id={`${id}-body`}
                rows={4}
                value={model.body}
                onChange={(e) => set({ ...model, body: e.target.value })}
                aria-invalid={!!problemText('body')}
              />
              <span className="small muted counter">
                {model.body.length} / {model.kind === 'text' ? LIMITS.text : LIMITS.interactiveBody}
              </span>
              {problemText('body') && <span className="field-hint-error">{problemText('body')}</span>}
              {model.kind === 'text' && (
                <details className="small muted template-hint">
                  <summary>{t('automation.response.templateHint')}</summary>
                  <code className="block pre-wrap">
                    {'{{contact.name}} {{contact.attr.plan}}\n{{#if tag:vip}}…{{else}}…{{/if}}'}
                  </code>
                  <span>{t('automation.response.templateHintBody')}</span>
                </details>
              )}
            </div>
          )}
          {model.kind === 'buttons' && (
            <div className="field">
              {model.buttons.map((b, i) => (
                <div key={i} className="inline-field option-row">
                  <label className="field compact grow">
                    <span>{t('interactive.buttonTitle', { index: i + 1 })}</span>
                    <input
                      value={b}
                      onChange={(e) =>
                        set({
                          ...model,
                          buttons: model.buttons.map((x, j) => (j === i ? e.target.value : x)),
                        })
                      }
                    />
                  </label>
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={t('interactive.remove')}
                    onClick={() => set({ ...model, buttons: model.buttons.filter((_, j) => j !== i) })}
                  >
                    ×
                  </button>
                  {problemText(`buttons.${i}`) && (
                    <span className="field-hint-error">{problemText(`buttons.${i}`)}</span>
                  )}
                </div>
              ))}
              {model.buttons.length < LIMITS.buttons && (
                <button
                  type="button"
                  className="link-button"
                  onClick={() => set({ ...model, buttons: [...model.buttons, ''] })}
                >
                  + {t('interactive.addButton')}
                </button>
              )}
              <span className="small muted">{t('interactive.limits')}</span>
            </div>
          )}
          {model.kind === 'list' && (
            <div className="field">
              <label className="field">
                <span>{t('interactive.listButton')}</span>
                <input
                  value={model.listButton}
                  onChange={(e) => set({ ...model, listButton: e.target.value })}
                />
                {problemText('listButton') && (
                  <span className="field-hint-error">{problemText('listButton')}</span>
                )}
              </label>
              {model.rows.map((r, i) => (
                <div key={i} className="inline-field option-row">
                  <label className="field compact grow">
                    <span>{t('interactive.rowTitle', { index: i + 1 })}</span>
                    <input
                      value={r.title}
                      onChange={(e) =>
                        set({
                          ...model,
                          rows: model.rows.map((x, j) => (j === i ? { ...x, title: e.target.value } : x)),
                        })
                      }
                    />
                  </label>
                  <label className="field compact grow">
                    <span>{t('interactive.rowDescription')}</span>
                    <input
                      value={r.description}
                      onChange={(e) =>
                        set({
                          ...model,
                          rows: model.rows.map((x, j) =>
                            j === i ? { ...x, description: e.target.value } : x,
                          ),
                        })
                      }
                    />
                  </label>
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={t('interactive.remove')}
                    onClick={() => set({ ...model, rows: model.rows.filter((_, j) => j !== i) })}
                  >
                    ×
                  </button>
                  {problemText(`rows.${i}`) && (
                    <span className="field-hint-error">{problemText(`rows.${i}`)}</span>
                  )}
                </div>
              ))}
              {model.rows.length < LIMITS.rows && (
                <button
                  type="button"
                  className="link-button"
                  onClick={() => set({ ...model, rows: [...model.rows, { title: '', description: '' }] })}
                >
                  + {t('interactive.addRow')}
                </button>
              )}
            </div>
          )}
          {model.kind === 'menu' && (
            <label className="field">
              <span>{t('automation.response.menu')}</span>
              <select value={model.menuId} onChange={(e) => set({ ...model, menuId: e.target.value })}>
                <option value="">—</option>
                {menus.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name || m.id}
                  </option>
                ))}
              </select>
              {menus.length === 0 && <span className="small muted">{t('automation.response.noMenus')}</span>}
              {problemText('menuId') && <span className="field-hint-error">{problemText('menuId')}</span>}
            </label>
          )}
          {model.kind === 'json' && (
            <label className="field">
              <span>{t('automation.response.json')}</span>
              <textarea
                className="mono"
                rows={8}
                value={json}
                aria-invalid={jsonError}
                onChange={(e) => {
                  setJson(e.target.value);
                  try {
                    const v: unknown = JSON.parse(e.target.value);
                    setJsonError(false);
                    setModel({ ...model, raw: v });
                    onChange(v);
                  } catch {
                    setJsonError(true);
                  }
                }}
              />
              {jsonError && <span className="field-hint-error">{t('automation.response.errors.json')}</span>}
            </label>
          )}
          <FieldErrors errors={errorsAt(errors, path)} />
        </div>
        <div className="response-preview" aria-label={t('automation.response.preview')}>
          {preview ? (
            <div className="bubble out">
              <MessageContent type={preview.type} content={preview.content} />
            </div>
          ) : (
            <span className="small muted">{t('automation.response.noPreview')}</span>
          )}
        </div>
      </div>
    </fieldset>
  );
}
