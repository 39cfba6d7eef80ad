import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReminderDto } from '../../../contracts/reminders.schemas.ts';
import { ApiError } from '../../lib/api.ts';
import { errorText } from '../../lib/errors.ts';
import { usePhoneNumbers } from '../../lib/queries.ts';
import { fillText } from '../../lib/template.ts';
import { templateKey } from '../campaigns/campaign-form.ts';
import { TemplateValuesEditor, type Kind, type ValuePlace } from '../campaigns/TemplateValues.tsx';
import { useContactAttributes } from '../campaigns/queries.ts';
import { RowEditor } from '../contacts/SegmentBuilder.tsx';
import { newRow } from '../contacts/segment-rows.ts';
import {
  emptyReminderForm,
  formOfReminder,
  reminderProblems,
  toReminderInput,
  toReminderUpdate,
  valuesForTemplate,
  type ReminderForm as Form,
  type ReminderProblems,
  REMINDER_SOURCES,
} from './reminder-form.ts';
import { useApprovedTemplatesOf, useSaveReminder } from './queries.ts';

/** The sources a reminder's values may read besides contact fields (no tracked links, no CSV columns). */
const SOURCES: Kind[] = REMINDER_SOURCES.filter((k) => k !== 'field');
const REMINDER_KINDS: Record<ValuePlace, Kind[]> = {
  header: SOURCES,
  body: SOURCES,
  url: SOURCES,
  quick_reply: ['none', ...SOURCES],
};

/**
 * The form of one reminder (new when `reminder` is null): name and on/off; the trigger (the latest event of a name,
 * or a campaign message read without a reply) and the delay in hours or days; the sending number and one of its
 * approved templates, with each value it takes (body and text-header variables, URL suffixes, quick-reply payloads)
 * read from the contact or fixed, with a fallback, and a header's media as a link; an optional condition
 * in the segment builder's rows; the sending hours in the contact's time zone.
 */
export function ReminderForm({ reminder, onClose }: { reminder: ReminderDto | null; onClose: () => void }) {
  const { t } = useTranslation();
  const numbers = usePhoneNumbers();
  const templates = useApprovedTemplatesOf(reminder?.phoneNumberId ?? '');
  if (!numbers.isSuccess || (reminder && templates.isPending))
    return <p className="list-status">{t('app.loading')}</p>;
  const tpl = reminder
    ? (templates.data ?? []).find((x) => templateKey(x) === templateKey(reminder.template))
    : undefined;
  const initial = reminder ? formOfReminder(reminder, tpl) : emptyReminderForm(numbers.data[0]?.id ?? '');
  return <FormBody reminder={reminder} initial={initial} onClose={onClose} />;
}

function FormBody(props: { reminder: ReminderDto | null; initial: Form; onClose: () => void }) {
  const { t } = useTranslation();
  const [f, setF] = useState<Form>(props.initial);
  // Problems show once a save was tried, then follow every edit.
  const [tried, setTried] = useState(false);
  const shown: ReminderProblems = tried ? reminderProblems(f) : {};
  const save = useSaveReminder();
  const numbers = usePhoneNumbers().data ?? [];
  const templates = useApprovedTemplatesOf(f.phoneNumberId);
  const attributes = useContactAttributes().data ?? [];
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setF((x) => ({ ...x, [k]: v }));
  const options = useMemo(() => {
    const seen = new Set<string>();
    return (templates.data ?? []).filter((x) => !seen.has(templateKey(x)) && seen.add(templateKey(x)));
  }, [templates.data]);
  const chosen = options.find((x) => templateKey(x) === f.template);
  const body = chosen?.components.find((c) => String(c.type).toUpperCase() === 'BODY');
  const bodyText = typeof body?.text === 'string' ? body.text : '';
  const problem = (k: keyof ReminderProblems) =>
    shown[k] ? (
      <span className="field-hint-error small" role="alert">
        {t(`reminders.problems.${shown[k]}`)}
      </span>
    ) : null;
  const chooseTemplate = (key: string) =>
    setF((x) => ({
      ...x,
      template: key,
      ...valuesForTemplate(
        options.find((o) => templateKey(o) === key),
        x,
      ),
    }));
  const submit = () => {
    setTried(true);
    if (Object.keys(reminderProblems(f)).length > 0) return;
    const r = props.reminder;
    save.mutate(r ? { id: r.id, input: toReminderUpdate(f) } : { id: null, input: toReminderInput(f) }, {
      onSuccess: props.onClose,
    });
  };
  const parse =
    save.error instanceof ApiError && save.error.code === 'invalid_condition'
      ? save.error.details
      : undefined;
  const nextRowId = () => Math.max(0, ...f.rows.map((r) => r.id)) + 1;

  return (
    <form
      className="card reminder-form"
      noValidate
      aria-label={props.reminder ? t('reminders.editTitle') : t('reminders.new')}
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <h2>{props.reminder ? t('reminders.editTitle') : t('reminders.new')}</h2>
      <label className="field">
        <span>{t('reminders.name')}</span>
        <input name="name" value={f.name} maxLength={200} onChange={(e) => set('name', e.target.value)} />
        {problem('name')}
      </label>
      <label className="check">
        <input type="checkbox" checked={f.enabled} onChange={(e) => set('enabled', e.target.checked)} />
        {t('reminders.enabledLabel')}
      </label>

      <Group title={t('reminders.sections.trigger')}>
        <div className="segmented-radios" role="radiogroup" aria-label={t('reminders.trigger')}>
          {(['event', 'campaign_read_no_reply'] as const).map((k) => (
            <label key={k} className="check">
              <input
                type="radio"
                name="trigger"
                value={k}
                checked={f.triggerKind === k}
                onChange={() => set('triggerKind', k)}
              />
              {t(`reminders.triggerKinds.${k}`)}
            </label>
          ))}
        </div>
        {f.triggerKind === 'event' && (
          <label className="field">
            <span>{t('reminders.event')}</span>
            <input
              name="event"
              className="mono"
              value={f.event}
              maxLength={64}
              placeholder="order_placed"
              onChange={(e) => set('event', e.target.value)}
            />
            <span className="small muted">{t('reminders.eventHint')}</span>
            {problem('event')}
          </label>
        )}
        <div className="field">
          <span id="reminder-delay-label">{t('reminders.delay')}</span>
          <span className="inline-field">
            <input
              type="number"
              name="delay"
              className="narrow"
              min={1}
              aria-labelledby="reminder-delay-label"
              value={f.delay}
              onChange={(e) => set('delay', e.target.value)}
            />
            <select
              aria-label={t('reminders.delayUnit')}
              value={f.delayUnit}
              onChange={(e) => set('delayUnit', e.target.value as Form['delayUnit'])}
            >
              <option value="hours">{t('reminders.units.hours')}</option>
              <option value="days">{t('reminders.units.days')}</option>
            </select>
            {f.triggerKind === 'event' ? t('reminders.delayAfterEvent') : t('reminders.delayAfterRead')}
          </span>
          {problem('delay')}
        </div>
      </Group>

      <Group title={t('reminders.sections.message')}>
        <label className="field">
          <span>{t('reminders.number')}</span>
          <select
            name="number"
            value={f.phoneNumberId}
            onChange={(e) =>
              setF((x) => ({
                ...x,
                phoneNumberId: e.target.value,
                template: '',
                ...valuesForTemplate(undefined, x),
              }))
            }
          >
            <option value="">{t('reminders.pickNumber')}</option>
            {numbers.map((n) => (
              <option key={n.id} value={n.id}>
                {n.label ? `${n.label} (${n.displayPhoneNumber})` : n.displayPhoneNumber}
              </option>
            ))}
          </select>
          {problem('phoneNumberId')}
        </label>
        <label className="field">
          <span>{t('reminders.template')}</span>
          <select name="template" value={f.template} onChange={(e) => chooseTemplate(e.target.value)}>
            <option value="">{t('reminders.pickTemplate')}</option>
            {options.map((o) => (
              <option key={templateKey(o)} value={templateKey(o)}>
                {o.name} ({o.language}) · {o.category}
              </option>
            ))}
            {/* A saved template no longer approved stays visible, so the form does not silently change it. */}
            {f.template && !chosen && <option value={f.template}>{f.template.replace('|', ' · ')}</option>}
          </select>
          <span className="small muted">
            {templates.isSuccess && options.length === 0
              ? t('reminders.noTemplates')
              : t('reminders.templateHint')}
          </span>
          {problem('template')}
        </label>
        <TemplateValuesEditor
          f={f}
          setF={setF}
          phoneNumberId={f.phoneNumberId || undefined}
          attributes={attributes}
          problem={problem}
          kinds={REMINDER_KINDS}
          linkOnly
        />
        {bodyText && (
          <div className="campaign-preview">
            <span className="small muted">{t('campaigns.previewFallbacks')}</span>
            <p className="template-body" data-content>
              {fillText(bodyText, (name) => f.variables.find((v) => v.placeholder === name)?.fallback)}
            </p>
          </div>
        )}
      </Group>

      <Group title={t('reminders.sections.who')}>
        <div className="segmented-radios" role="radiogroup" aria-label={t('reminders.sections.who')}>
          <label className="check">
            <input
              type="radio"
              name="condition"
              checked={f.conditionKind === 'none'}
              onChange={() => set('conditionKind', 'none')}
            />
            {t('reminders.everyone')}
          </label>
          <label className="check">
            <input
              type="radio"
              name="condition"
              checked={f.conditionKind === 'rows'}
              onChange={() => set('conditionKind', 'rows')}
            />
            {t('reminders.onlyMatching')}
          </label>
          {props.reminder?.condition && props.initial.conditionKind === 'kept' && (
            <label className="check">
              <input
                type="radio"
                name="condition"
                checked={f.conditionKind === 'kept'}
                onChange={() => set('conditionKind', 'kept')}
              />
              {t('reminders.keepCondition')}{' '}
              {props.reminder.conditionText ? <code>{props.reminder.conditionText}</code> : null}
            </label>
          )}
        </div>
        {f.conditionKind === 'rows' && (
          <div className="segment-builder reminder-condition-rows">
            <fieldset className="segment-join">
              <legend>{t('contacts.join')}</legend>
              {(['and', 'or'] as const).map((j) => (
                <label key={j}>
                  <input type="radio" name="join" checked={f.join === j} onChange={() => set('join', j)} />{' '}
                  {t(j === 'and' ? 'contacts.matchAll' : 'contacts.matchAny')}
                </label>
              ))}
            </fieldset>
            <ol className="segment-rows">
              {f.rows.map((r, i) => (
                <RowEditor
                  key={r.id}
                  row={r}
                  index={i + 1}
                  onChange={(patch) =>
                    set(
                      'rows',
                      f.rows.map((x) => (x.id === r.id ? { ...x, ...patch } : x)),
                    )
                  }
                  onRemove={
                    f.rows.length > 1
                      ? () =>
                          set(
                            'rows',
                            f.rows.filter((x) => x.id !== r.id),
                          )
                      : null
                  }
                />
              ))}
            </ol>
            <button
              type="button"
              className="btn"
              onClick={() => set('rows', [...f.rows, newRow(nextRowId())])}
            >
              {t('contacts.addRow')}
            </button>
            <span className="small muted">{t('reminders.conditionHint')}</span>
            {problem('rows')}
          </div>
        )}
      </Group>

      <Group title={t('reminders.sections.hours')}>
        <div className="inline-fields">
          <label className="field">
            <span>{t('reminders.sendFrom')}</span>
            <input
              type="time"
              name="sendFrom"
              value={f.sendFrom}
              onChange={(e) => set('sendFrom', e.target.value)}
            />
            {problem('sendFrom')}
          </label>
          <label className="field">
            <span>{t('reminders.sendUntil')}</span>
            <input
              type="time"
              name="sendUntil"
              value={f.sendUntil}
              onChange={(e) => set('sendUntil', e.target.value)}
            />
            {problem('sendUntil')}
          </label>
        </div>
        <span className="small muted">{t('reminders.hoursHint')}</span>
      </Group>

      {save.isError && (
        <div className="form-error" role="alert">
          <p>{errorText(save.error, t)}</p>
          {typeof parse?.message === 'string' && <code>{parse.message}</code>}
        </div>
      )}
      {Object.keys(shown).length > 0 && (
        <p className="form-error" role="alert">
          {t('campaigns.fixProblems')}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="btn" onClick={props.onClose}>
          {t('app.cancel')}
        </button>
        <button type="submit" className="btn primary" disabled={save.isPending}>
          {props.reminder ? t('reminders.saveChanges') : t('reminders.create')}
        </button>
      </div>
    </form>
  );
}

function Group({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="campaign-section reminder-section">
      <legend>{title}</legend>
      {children}
    </fieldset>
  );
}
