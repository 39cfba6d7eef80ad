import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { LintFinding, TemplateDraft, TemplateDto } from '../../../contracts/template.schemas.ts';
import { lintPasses, lintTemplate } from '../../../contracts/template-lint.rules.ts';
import { api, ApiError } from '../../lib/api.ts';
import {
  emptyButton,
  emptyForm,
  formVariables,
  fromTemplate,
  toDraft,
  type ButtonKind,
  type HeaderKind,
  type TemplateForm as Form,
} from './form.ts';
import { TemplatePreview } from './TemplatePreview.tsx';

const HEADER_KINDS: Array<[HeaderKind, string]> = [
  ['NONE', 'headerNone'],
  ['TEXT', 'headerText'],
  ['IMAGE', 'headerImage'],
  ['VIDEO', 'headerVideo'],
  ['DOCUMENT', 'headerDocument'],
  ['LOCATION', 'headerLocation'],
];
const BUTTON_KINDS: ButtonKind[] = ['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE'];

/** Where a finding points, in the reader's words ("Body", "Button 2", "Name"). */
function whereOf(
  f: LintFinding,
  draft: TemplateDraft,
  t: (k: string, o?: Record<string, unknown>) => string,
): string {
  const parts = f.path.split('/').filter(Boolean);
  if (parts[0] !== 'components' || parts[1] === undefined)
    return t(`templates.where.${parts[0] ?? 'components'}`);
  const c = draft.components[Number(parts[1])];
  if (parts[2] === 'buttons' && parts[3] !== undefined)
    return t('templates.where.button', { n: Number(parts[3]) + 1 });
  return c ? t(`templates.where.${c.type}`) : t('templates.where.components');
}

/**
 * Create or edit a template: category, language, header (text or media), body with variables and their samples,
 * footer, buttons; a live preview and the linter's findings as you type; submit for review.
 */
export function TemplateFormPanel({
  wabaId,
  editing,
  onDone,
}: {
  wabaId: string | null;
  editing: TemplateDto | null;
  onDone: (message: string) => void;
}) {
  const { t } = useTranslation();
  const [form, setForm] = useState<Form>(() => (editing ? fromTemplate(editing) : emptyForm()));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const draft = useMemo(() => toDraft(form), [form]);
  const findings = useMemo(() => lintTemplate(draft), [draft]);
  const vars = formVariables(form);
  const auth = form.category === 'AUTHENTICATION';
  const set = (patch: Partial<Form>) => setForm((f) => ({ ...f, ...patch }));
  const setButton = (i: number, patch: Partial<Form['buttons'][number]>) =>
    setForm((f) => ({ ...f, buttons: f.buttons.map((b, j) => (j === i ? { ...b, ...patch } : b)) }));
  const example = form.parameterFormat === 'NAMED' ? '{{first_name}}' : '{{1}}';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      if (editing?.id)
        await api(`/templates/${editing.id}`, {
          method: 'PATCH',
          body: {
            components: draft.components,
            ...(draft.category !== editing.category ? { category: draft.category } : {}),
          },
        });
      else await api('/templates', { body: { ...draft, ...(wabaId ? { wabaId } : {}) } });
      onDone(t('templates.form.submitted'));
    } catch (err) {
      setError(err instanceof ApiError || err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="template-form" onSubmit={(e) => void submit(e)}>
      <h2>
        {editing
          ? t('templates.form.editTitle', { name: editing.name, language: editing.language })
          : t('templates.form.createTitle')}
      </h2>
      {editing && <p className="small muted">{t('templates.form.editNote')}</p>}
      <div className="template-editor">
        <div className="template-fields">
          <label className="field">
            <span>{t('templates.name')}</span>
            <input
              value={form.name}
              disabled={!!editing}
              placeholder={t('templates.form.namePlaceholder')}
              onChange={(e) => set({ name: e.target.value })}
            />
            <span className="small muted">{t('templates.form.nameHelp')}</span>
          </label>
          <label className="field">
            <span>{t('templates.language')}</span>
            <input
              value={form.language}
              disabled={!!editing}
              onChange={(e) => set({ language: e.target.value })}
            />
          </label>
          <label className="field">
            <span>{t('templates.category')}</span>
            <select
              value={form.category}
              onChange={(e) => set({ category: e.target.value as Form['category'] })}
            >
              {(['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const).map((c) => (
                <option key={c} value={c}>
                  {t(`templates.categories.${c}`)}
                </option>
              ))}
            </select>
          </label>
          {auth ? (
            <>
              <p className="small muted">{t('templates.form.authNote')}</p>
              <label className="check">
                <input
                  type="checkbox"
                  checked={form.addSecurity}
                  onChange={(e) => set({ addSecurity: e.target.checked })}
                />{' '}
                {t('templates.form.securityRecommendation')}
              </label>
              <label className="field">
                <span>{t('templates.form.codeExpiration')}</span>
                <input
                  inputMode="numeric"
                  value={form.codeExpiration}
                  onChange={(e) => set({ codeExpiration: e.target.value })}
                />
              </label>
              <label className="field">
                <span>{t('templates.form.otpType')}</span>
                <select
                  value={form.otpType}
                  onChange={(e) => set({ otpType: e.target.value as Form['otpType'] })}
                >
                  <option value="COPY_CODE">COPY_CODE</option>
                  <option value="ONE_TAP">ONE_TAP</option>
                  <option value="ZERO_TAP">ZERO_TAP</option>
                </select>
              </label>
            </>
          ) : (
            <>
              <label className="field">
                <span>{t('templates.form.parameterFormat')}</span>
                <select
                  value={form.parameterFormat}
                  onChange={(e) => set({ parameterFormat: e.target.value as Form['parameterFormat'] })}
                >
                  <option value="POSITIONAL">
                    {t('templates.form.positional', { example: '{{1}}, {{2}}' })}
                  </option>
                  <option value="NAMED">{t('templates.form.named', { example: '{{first_name}}' })}</option>
                </select>
              </label>
              <label className="field">
                <span>{t('templates.form.header')}</span>
                <select
                  value={form.headerKind}
                  onChange={(e) => set({ headerKind: e.target.value as HeaderKind })}
                >
                  {HEADER_KINDS.map(([k, label]) => (
                    <option key={k} value={k}>
                      {t(`templates.form.${label}`)}
                    </option>
                  ))}
                </select>
              </label>
              {form.headerKind === 'TEXT' && (
                <label className="field">
                  <span>{t('templates.form.headerText')}</span>
                  <input value={form.headerText} onChange={(e) => set({ headerText: e.target.value })} />
                </label>
              )}
              {['IMAGE', 'VIDEO', 'DOCUMENT'].includes(form.headerKind) && (
                <label className="field">
                  <span>{t('templates.form.headerMediaHandle')}</span>
                  <input value={form.headerHandle} onChange={(e) => set({ headerHandle: e.target.value })} />
                </label>
              )}
              <label className="field">
                <span>{t('templates.form.body')}</span>
                <textarea rows={5} value={form.body} onChange={(e) => set({ body: e.target.value })} />
                <span className="small muted">{t('templates.form.bodyHelp', { example })}</span>
              </label>
              {vars.header.length + vars.body.length > 0 && (
                <fieldset className="field">
                  <legend>{t('templates.form.examples')}</legend>
                  {[...vars.header.map((n) => `header:${n}`), ...vars.body.map((n) => `body:${n}`)].map(
                    (key) => (
                      <label key={key} className="field compact">
                        <span>
                          {t('templates.form.exampleFor', { variable: `{{${key.split(':')[1]}}}` })}
                        </span>
                        <input
                          value={form.samples[key] ?? ''}
                          onChange={(e) => set({ samples: { ...form.samples, [key]: e.target.value } })}
                        />
                      </label>
                    ),
                  )}
                </fieldset>
              )}
              <label className="field">
                <span>{t('templates.form.footer')}</span>
                <input value={form.footer} onChange={(e) => set({ footer: e.target.value })} />
              </label>
              <fieldset className="field">
                <legend>{t('templates.form.buttons')}</legend>
                {form.buttons.map((b, i) => (
                  <div key={i} className="template-button-row">
                    <select
                      aria-label={t('templates.form.buttonType')}
                      value={b.type}
                      onChange={(e) => setButton(i, { type: e.target.value as ButtonKind })}
                    >
                      {BUTTON_KINDS.map((k) => (
                        <option key={k} value={k}>
                          {t(`templates.form.buttonTypes.${k}`)}
                        </option>
                      ))}
                    </select>
                    {b.type !== 'COPY_CODE' && (
                      <input
                        aria-label={t('templates.form.buttonText')}
                        placeholder={t('templates.form.buttonText')}
                        value={b.text}
                        onChange={(e) => setButton(i, { text: e.target.value })}
                      />
                    )}
                    {b.type === 'URL' && (
                      <input
                        aria-label={t('templates.form.buttonUrl')}
                        placeholder="https://"
                        value={b.url}
                        onChange={(e) => setButton(i, { url: e.target.value })}
                      />
                    )}
                    {b.type === 'PHONE_NUMBER' && (
                      <input
                        aria-label={t('templates.form.buttonPhone')}
                        placeholder="+81…"
                        value={b.phone}
                        onChange={(e) => setButton(i, { phone: e.target.value })}
                      />
                    )}
                    {(b.type === 'COPY_CODE' || (b.type === 'URL' && b.url.includes('{{'))) && (
                      <input
                        aria-label={t('templates.form.buttonExample')}
                        placeholder={t('templates.form.buttonExample')}
                        value={b.example}
                        onChange={(e) => setButton(i, { example: e.target.value })}
                      />
                    )}
                    <button
                      type="button"
                      className="btn subtle small"
                      onClick={() => set({ buttons: form.buttons.filter((_, j) => j !== i) })}
                    >
                      {t('templates.form.removeButton')}
                    </button>
                  </div>
                ))}
                <button
                  type="button"
                  className="btn subtle small"
                  onClick={() => set({ buttons: [...form.buttons, emptyButton()] })}
                >
                  {t('templates.form.addButton')}
                </button>
              </fieldset>
            </>
          )}
        </div>
        <div className="template-side">
          <h3>{t('templates.form.preview')}</h3>
          <TemplatePreview form={form} />
          <h3>{t('templates.form.checks')}</h3>
          {findings.length === 0 ? (
            <p className="small" role="status">
              ✓ {t('templates.form.allGood')}
            </p>
          ) : (
            <ul className="lint-findings" aria-label={t('templates.form.checks')}>
              {findings.map((f, i) => (
                <li key={i} className={`lint-finding ${f.severity}`} data-code={f.code}>
                  <strong>
                    {f.severity === 'error' ? t('templates.form.error') : t('templates.form.warning')} ·{' '}
                    {whereOf(f, draft, t)}
                  </strong>{' '}
                  {t(`templates.lint.${f.code}`, f.params)}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={busy || !lintPasses(findings)}>
          {editing ? t('templates.form.saveEdit') : t('templates.form.submit')}
        </button>
        <button type="button" className="btn subtle" onClick={() => onDone('')}>
          {t('app.cancel')}
        </button>
      </div>
    </form>
  );
}
