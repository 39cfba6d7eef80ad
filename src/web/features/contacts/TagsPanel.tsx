import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TagRuleDto } from '../../../contracts/tag-rules.schemas.ts';
import { isAdmin, useSession } from '../../app/session.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { ApiError } from '../../lib/api.ts';
import { errorText } from '../../lib/errors.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useDeleteTagRule, useRunTagRule, useSaveTagRule, useTagRules } from './queries.ts';
import { TagHygiene } from './TagHygiene.tsx';

/**
 * Tags on the Contacts page: the tag rules (tag, condition text, enabled, last run; create, edit, run now, delete
 * after confirming) and the hygiene report with its actions. Only owners and admins get the buttons that change
 * anything: the API refuses the other roles (`manage`). Agents, whom the API refuses the hygiene report, do not see
 * it; analysts read it without its actions.
 */
export function TagsPanel() {
  const { t, i18n } = useTranslation();
  const role = useSession().role;
  const canManage = isAdmin(role);
  const rules = useTagRules();
  const run = useRunTagRule();
  const remove = useDeleteTagRule();
  const [editing, setEditing] = useState<TagRuleDto | 'new' | null>(null);
  const [deleting, setDeleting] = useState<TagRuleDto | null>(null);
  return (
    <section className="card segments-panel tags-panel" aria-label={t('contacts.tagRules.title')}>
      <header className="segments-head">
        <h2>{t('contacts.tagRules.title')}</h2>
        {canManage && (
          <button type="button" className="btn" onClick={() => setEditing('new')}>
            {t('contacts.tagRules.new')}
          </button>
        )}
      </header>
      <p className="small muted">{t('contacts.tagRules.intro')}</p>
      {rules.isSuccess && rules.data.length === 0 && (
        <p className="small muted">{t('contacts.tagRules.empty')}</p>
      )}
      {(rules.data ?? []).length > 0 && (
        <table className="table tag-rules-table">
          <thead>
            <tr>
              <th>{t('contacts.tagRules.tag')}</th>
              <th>{t('contacts.tagRules.condition')}</th>
              <th>{t('contacts.tagRules.state')}</th>
              <th>{t('contacts.tagRules.lastRun')}</th>
              {canManage && <th />}
            </tr>
          </thead>
          <tbody>
            {(rules.data ?? []).map((r) => (
              <tr key={r.id} data-rule={r.tag}>
                <td>
                  <span className="chip" data-content>
                    {r.tag}
                  </span>
                </td>
                <td>
                  {r.conditionText ? (
                    <code>{r.conditionText}</code>
                  ) : (
                    <span className="small muted">{t('contacts.tagRules.treeOnly')}</span>
                  )}
                </td>
                <td>{r.enabled ? t('contacts.tagRules.enabled') : t('contacts.tagRules.disabled')}</td>
                <td className="tag-rule-run" role="status">
                  {r.lastRun
                    ? t('contacts.tagRules.runCounts', {
                        added: r.lastRun.added,
                        removed: r.lastRun.removed,
                        at: formatDateTime(r.lastRun.at, i18n.language),
                      })
                    : t('contacts.tagRules.never')}
                </td>
                {canManage && (
                  <td className="tag-rule-actions">
                    <button
                      type="button"
                      className="btn"
                      disabled={!r.enabled || run.isPending}
                      onClick={() => run.mutate(r.id)}
                    >
                      {t('contacts.tagRules.run')}
                    </button>{' '}
                    <button type="button" className="btn" onClick={() => setEditing(r)}>
                      {t('contacts.edit')}
                    </button>{' '}
                    <button type="button" className="btn" onClick={() => setDeleting(r)}>
                      {t('contacts.delete')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {run.error && (
        <p className="form-error" role="alert">
          {errorText(run.error, t)}
        </p>
      )}
      {deleting && (
        <Dialog title={t('contacts.delete')} onClose={() => setDeleting(null)}>
          <p>{t('contacts.tagRules.deleteConfirm', { tag: deleting.tag })}</p>
          {remove.error && (
            <p className="form-error" role="alert">
              {errorText(remove.error, t)}
            </p>
          )}
          <div className="form-actions">
            <button type="button" className="btn" onClick={() => setDeleting(null)}>
              {t('contacts.cancel')}
            </button>
            <button
              type="button"
              className="btn danger"
              disabled={remove.isPending}
              onClick={() => remove.mutate(deleting.id, { onSuccess: () => setDeleting(null) })}
            >
              {t('contacts.delete')}
            </button>
          </div>
        </Dialog>
      )}
      {editing && (
        <TagRuleForm
          key={editing === 'new' ? 'new' : editing.id}
          rule={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
        />
      )}
      {role !== 'agent' && <TagHygiene canManage={canManage} />}
    </section>
  );
}

/** The form of one rule (new when `rule` is null): tag, condition as text, enabled. */
function TagRuleForm({ rule, onClose }: { rule: TagRuleDto | null; onClose: () => void }) {
  const { t } = useTranslation();
  const save = useSaveTagRule();
  const [tag, setTag] = useState(rule?.tag ?? '');
  const [condition, setCondition] = useState(rule?.conditionText ?? '');
  const [enabled, setEnabled] = useState(rule?.enabled ?? true);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!tag.trim() || !condition.trim()) return;
    save.mutate(
      { id: rule?.id ?? null, tag: tag.trim(), condition: condition.trim(), enabled },
      { onSuccess: onClose },
    );
  };
  const parse =
    save.error instanceof ApiError && save.error.code === 'invalid_condition'
      ? save.error.details
      : undefined;
  return (
    <form
      className="segment-builder tag-rule-form"
      onSubmit={submit}
      aria-label={t('contacts.tagRules.form')}
    >
      {rule && !rule.conditionText && <p className="banner">{t('contacts.tagRules.treeNotice')}</p>}
      <label className="field">
        <span>{t('contacts.tagRules.tag')}</span>
        <input value={tag} onChange={(e) => setTag(e.target.value)} maxLength={50} required />
      </label>
      <label className="field">
        <span>{t('contacts.tagRules.condition')}</span>
        <textarea
          className="mono"
          rows={3}
          value={condition}
          onChange={(e) => setCondition(e.target.value)}
          maxLength={2000}
          placeholder="event.order_placed within 7d"
          required
          aria-invalid={parse !== undefined}
        />
      </label>
      <p className="small muted">{t('contacts.tagRules.conditionHelp')}</p>
      <label>
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />{' '}
        {t('contacts.tagRules.enabledLabel')}
      </label>
      {save.error && (
        <div className="form-error" role="alert">
          <p>
            {errorText(save.error, t)}
            {typeof parse?.position === 'number' &&
              ` ${t('contacts.tagRules.position', { position: parse.position + 1 })}`}
          </p>
          {typeof parse?.message === 'string' && <code>{parse.message}</code>}
        </div>
      )}
      <div className="form-actions">
        <button type="button" className="btn" onClick={onClose}>
          {t('contacts.closeBuilder')}
        </button>
        <button
          type="submit"
          className="btn primary"
          disabled={!tag.trim() || !condition.trim() || save.isPending}
        >
          {rule ? t('contacts.saveChanges') : t('contacts.tagRules.save')}
        </button>
      </div>
    </form>
  );
}
