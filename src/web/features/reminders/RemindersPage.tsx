import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { ReminderDto } from '../../../contracts/reminders.schemas.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { errorText } from '../../lib/errors.ts';
import { formatDateTime } from '../../lib/format.ts';
import { usePhoneNumbers } from '../../lib/queries.ts';
import type { Role } from '../../lib/types.ts';
import { formatCount } from '../analytics/format.ts';
import { CampaignTabs } from '../campaigns/parts.tsx';
import { conditionToRows, type SegmentRow } from '../contacts/segment-rows.ts';
import { ReminderForm } from './ReminderForm.tsx';
import { triggerText } from './format.ts';
import { useDeleteReminder, useReminders, useToggleReminder } from './queries.ts';

/**
 * Lifecycle reminders (`/campaigns/reminders`, beside the campaigns): the list — name, trigger in words, template,
 * sending number, state, what the runs sent and skipped — and, for owners and admins (the API refuses the other
 * roles), a form to create and edit, turning one on or off, and deleting after a confirmation.
 */
export function RemindersPage({ role }: { role: Role }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const canManage = role === 'owner' || role === 'admin';
  const reminders = useReminders();
  const numbers = usePhoneNumbers().data ?? [];
  const toggle = useToggleReminder();
  const remove = useDeleteReminder();
  const [editing, setEditing] = useState<ReminderDto | 'new' | null>(null);
  const [deleting, setDeleting] = useState<ReminderDto | null>(null);
  const rows = reminders.data ?? [];
  const numberName = (id: string) => {
    const n = numbers.find((x) => x.id === id);
    return n ? (n.label ?? n.displayPhoneNumber) : '—';
  };
  return (
    <div className="campaigns-page reminders-page">
      <header className="contacts-head">
        <h1>{t('reminders.title')}</h1>
        {canManage && !editing && (
          <button type="button" className="btn primary" onClick={() => setEditing('new')}>
            {t('reminders.new')}
          </button>
        )}
      </header>
      <CampaignTabs current="reminders" />
      <p className="small muted">{canManage ? t('reminders.intro') : t('reminders.introReadOnly')}</p>
      {editing && (
        <ReminderForm
          key={editing === 'new' ? 'new' : editing.id}
          reminder={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
        />
      )}
      {reminders.isError && (
        <p className="form-error" role="alert">
          {errorText(reminders.error, t)}
        </p>
      )}
      {toggle.isError && (
        <p className="form-error" role="alert">
          {errorText(toggle.error, t)}
        </p>
      )}
      {reminders.isSuccess && rows.length === 0 && <p className="list-status">{t('reminders.empty')}</p>}
      {rows.length > 0 && (
        <div className="analytics-table-scroll">
          <table className="table reminders-table">
            <caption className="visually-hidden">{t('reminders.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('reminders.name')}</th>
                <th scope="col">{t('reminders.trigger')}</th>
                <th scope="col">{t('reminders.template')}</th>
                <th scope="col">{t('reminders.number')}</th>
                <th scope="col">{t('reminders.state')}</th>
                <th scope="col" className="num">
                  {t('reminders.sent')}
                </th>
                <th scope="col" className="num">
                  {t('reminders.skipped')}
                </th>
                <th scope="col">{t('reminders.lastRun')}</th>
                {canManage && (
                  <th scope="col">
                    <span className="visually-hidden">{t('reminders.actions')}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} data-reminder={r.name}>
                  <td data-content>{r.name}</td>
                  <td>
                    {triggerText(r.trigger, t)}
                    {r.condition && (
                      <span className="small muted reminder-condition">
                        {' '}
                        {t('reminders.onlyIf')} <ConditionText reminder={r} />
                      </span>
                    )}
                  </td>
                  <td>
                    <code>{r.template.name}</code> <span className="small muted">{r.template.language}</span>
                  </td>
                  <td data-content>{numberName(r.phoneNumberId)}</td>
                  <td data-state={r.enabled ? 'enabled' : 'disabled'}>
                    <span className={`chip ${r.enabled ? 'status-running' : 'status-paused'}`}>
                      {r.enabled ? t('reminders.enabled') : t('reminders.disabled')}
                    </span>
                  </td>
                  <td className="num" data-counter="sent">
                    {formatCount(r.totals.sent, locale)}
                  </td>
                  <td className="num" data-counter="skipped" title={skipBreakdown(r.totals.skipped, t)}>
                    {formatCount(sum(r.totals.skipped), locale)}
                  </td>
                  <td className="small muted">
                    {r.lastRun ? formatDateTime(r.lastRun.at, locale) : t('reminders.never')}
                  </td>
                  {canManage && (
                    <td className="actions">
                      <button type="button" className="btn" onClick={() => setEditing(r)}>
                        {t('app.edit')}
                      </button>{' '}
                      <button
                        type="button"
                        className="btn"
                        disabled={toggle.isPending}
                        onClick={() => toggle.mutate({ id: r.id, enabled: !r.enabled })}
                      >
                        {r.enabled ? t('reminders.disable') : t('reminders.enable')}
                      </button>{' '}
                      <button type="button" className="btn" onClick={() => setDeleting(r)}>
                        {t('app.delete')}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {rows.some((r) => Object.keys(r.totals.skipped).length > 0) && (
        <p className="small muted">{t('reminders.skippedHint')}</p>
      )}
      {deleting && (
        <Dialog title={t('reminders.deleteTitle')} onClose={() => setDeleting(null)}>
          <p>{t('reminders.deleteConfirm', { name: deleting.name })}</p>
          {remove.isError && (
            <p className="form-error" role="alert">
              {errorText(remove.error, t)}
            </p>
          )}
          <div className="form-actions">
            <button type="button" className="btn" onClick={() => setDeleting(null)}>
              {t('app.cancel')}
            </button>
            <button
              type="button"
              className="btn danger"
              disabled={remove.isPending}
              onClick={() =>
                remove.mutate(deleting.id, {
                  onSuccess: () => {
                    if (editing !== 'new' && editing?.id === deleting.id) setEditing(null);
                    setDeleting(null);
                  },
                })
              }
            >
              {t('app.delete')}
            </button>
          </div>
        </Dialog>
      )}
    </div>
  );
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** The skipped count by reason, in words (the cell's tooltip). */
function skipBreakdown(counts: Record<string, number>, t: TFunction): string {
  return Object.entries(counts)
    .map(([reason, n]) => `${t(`reminders.skipReasons.${reason}`, { defaultValue: reason })}: ${n}`)
    .join(' / ');
}

/** A reminder's condition: its text as typed, else its rows in words, else "set through the API". */
function ConditionText({ reminder }: { reminder: ReminderDto }) {
  const { t } = useTranslation();
  if (reminder.conditionText) return <code>{reminder.conditionText}</code>;
  const parsed = reminder.condition ? conditionToRows(reminder.condition) : null;
  if (!parsed) return <>{t('reminders.conditionApi')}</>;
  const joiner = parsed.join === 'and' ? ` ${t('reminders.and')} ` : ` ${t('reminders.or')} `;
  return <span data-content>{parsed.rows.map((r) => rowText(r, t)).join(joiner)}</span>;
}

function rowText(r: SegmentRow, t: TFunction): string {
  const op = /^[a-z_]+$/.test(r.op) ? t(`contacts.ops.${r.op}`) : r.op;
  const value = r.field === 'consent' ? t(`contacts.consentStates.${r.value}`) : r.value;
  return [r.negate ? t('contacts.not') : '', t(`contacts.fields.${r.field}`), r.key, op, value]
    .filter((x) => x !== '')
    .join(' ');
}
