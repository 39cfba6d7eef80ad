import type { z } from 'zod';
import type { ConditionNode } from '../../../contracts/condition.schemas.ts';
import type {
  ReminderDto,
  ReminderInputSchema,
  ReminderUpdateSchema,
} from '../../../contracts/reminders.schemas.ts';
import type { TemplateDto } from '../../../contracts/template.schemas.ts';
import { splitTemplateKey, templateKey } from '../campaigns/campaign-form.ts';
import {
  buttonsFor,
  headerFor,
  valuesInput,
  valuesOf,
  valueEntries,
  valuesProblems,
  variablesFor,
  type TemplateValuesForm,
} from '../campaigns/template-values-form.ts';
import { conditionToRows, newRow, rowsToCondition, type SegmentRow } from '../contacts/segment-rows.ts';

/*
 * The reminder form (pure): what its inputs hold, how a saved reminder fills them, what is missing before a round
 * trip, and the API body they make. The server validates again (reminders.schemas.ts).
 */

/** `POST /api/v1/reminders` body. */
export type ReminderInput = z.input<typeof ReminderInputSchema>;
/** `PATCH /api/v1/reminders/{id}` body. */
export type ReminderUpdate = z.input<typeof ReminderUpdateSchema>;

/** The delay the API accepts, in hours (`DelayHoursSchema`: 1 hour to 90 days; a test keeps them equal). */
export const DELAY_HOURS = { min: 1, max: 90 * 24 } as const;

/** The variable sources a reminder offers (no tracked links, no CSV: reminders have neither). */
export const REMINDER_SOURCES = ['field', 'attribute', 'literal'] as const;

/** Event names as the API accepts them. */
const EVENT_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * What the form's inputs hold. The template's values are the campaign builder's — body variables, a text header's
 * variable or the header's media, URL suffixes and quick-reply payloads — read from the contact or fixed (a header's
 * media is a link: nothing is uploaded for a reminder).
 */
export interface ReminderForm extends TemplateValuesForm {
  name: string;
  enabled: boolean;
  triggerKind: 'event' | 'campaign_read_no_reply';
  event: string;
  delay: string;
  delayUnit: 'hours' | 'days';
  phoneNumberId: string;
  /** `name|language` of the chosen approved template, or ''. */
  template: string;
  /**
   * `none`: every contact; `rows`: the rows below; `kept`: a saved condition the rows cannot show (typed through
   * the API) — left as it is unless replaced.
   */
  conditionKind: 'none' | 'rows' | 'kept';
  rows: SegmentRow[];
  join: 'and' | 'or';
  sendFrom: string;
  sendUntil: string;
}

/** A new reminder: on, after an event, one day, the first number, sending 08:00–22:00. */
export function emptyReminderForm(phoneNumberId = ''): ReminderForm {
  return {
    name: '',
    enabled: true,
    triggerKind: 'event',
    event: '',
    delay: '1',
    delayUnit: 'days',
    phoneNumberId,
    template: '',
    variables: [],
    headerMedia: null,
    headerVariable: null,
    buttons: [],
    conditionKind: 'none',
    rows: [newRow(1)],
    join: 'and',
    sendFrom: '08:00',
    sendUntil: '22:00',
  };
}

/**
 * The values of `template` (one of the number's approved templates, or none), keeping what `previous` held for the
 * same placeholders, header and buttons. A header's media is always a link in a reminder.
 */
export function valuesForTemplate(
  template: Pick<TemplateDto, 'components'> | undefined,
  previous: TemplateValuesForm,
): TemplateValuesForm {
  return withLinkHeader({
    variables: variablesFor(template, previous.variables),
    ...headerFor(template, previous),
    buttons: buttonsFor(template, previous.buttons),
  });
}

/** The values with their header's media given as a link, the only way a reminder takes it. */
function withLinkHeader<V extends TemplateValuesForm>(values: V): V {
  return { ...values, headerMedia: values.headerMedia && { ...values.headerMedia, mode: 'link' } };
}

/** A delay in hours as the form shows it: whole days when it is some, else hours. */
export function delayParts(hours: number): { value: number; unit: 'hours' | 'days' } {
  return hours % 24 === 0 ? { value: hours / 24, unit: 'days' } : { value: hours, unit: 'hours' };
}

/** The form's delay in hours, or NaN when it is not a whole number. */
export function delayHoursOf(f: Pick<ReminderForm, 'delay' | 'delayUnit'>): number {
  const n = /^\d+$/.test(f.delay.trim()) ? Number(f.delay.trim()) : NaN;
  return f.delayUnit === 'days' ? n * 24 : n;
}

/** The form of a saved reminder; `template` is its approved template's components when known. */
export function formOfReminder(
  r: ReminderDto,
  template: Pick<TemplateDto, 'components'> | undefined,
): ReminderForm {
  // As saved, then following the approved template when it is known.
  const values = withLinkHeader(valuesOf(r.template, template));
  const delay = delayParts(r.trigger.delayHours);
  const rows = r.condition ? conditionToRows(r.condition) : null;
  return {
    name: r.name,
    enabled: r.enabled,
    triggerKind: r.trigger.kind,
    event: r.trigger.kind === 'event' ? r.trigger.event : '',
    delay: String(delay.value),
    delayUnit: delay.unit,
    phoneNumberId: r.phoneNumberId,
    template: templateKey(r.template),
    ...values,
    conditionKind: r.condition === null ? 'none' : rows ? 'rows' : 'kept',
    rows: rows?.rows ?? [newRow(1)],
    join: rows?.join ?? 'and',
    sendFrom: r.quietHours.start,
    sendUntil: r.quietHours.end,
  };
}

/** Fields the form refuses to save, by the key they belong to, with the problem's locale key. */
export type ReminderProblems = Partial<Record<keyof ReminderForm | `variable:${string}`, string>>;

/** The condition of the rows, or null while no row is complete. */
export function formCondition(f: Pick<ReminderForm, 'rows' | 'join'>): ConditionNode | null {
  return rowsToCondition(f.rows, f.join);
}

/** What is missing or wrong before asking the server (empty: the form can be saved). */
export function reminderProblems(f: ReminderForm): ReminderProblems {
  const p: ReminderProblems = {};
  if (!f.name.trim()) p.name = 'required';
  if (f.triggerKind === 'event' && !EVENT_NAME.test(f.event.trim())) p.event = 'eventName';
  const hours = delayHoursOf(f);
  if (!(hours >= DELAY_HOURS.min && hours <= DELAY_HOURS.max)) p.delay = 'delayRange';
  if (!f.phoneNumberId) p.phoneNumberId = 'pickNumber';
  if (!splitTemplateKey(f.template)) p.template = 'pickTemplate';
  Object.assign(p, valuesProblems(f, false));
  for (const [key, v] of valueEntries(f))
    if (v.kind !== 'none' && !(REMINDER_SOURCES as readonly string[]).includes(v.kind)) p[key] = 'source';
  if (f.conditionKind === 'rows' && !formCondition(f)) p.rows = 'conditionIncomplete';
  if (!HHMM.test(f.sendFrom)) p.sendFrom = 'required';
  if (!HHMM.test(f.sendUntil)) p.sendUntil = 'required';
  return p;
}

/** The API body of a form without problems ({@link reminderProblems}): every field, for a create. */
export function toReminderInput(f: ReminderForm): ReminderInput {
  const template = splitTemplateKey(f.template) ?? { name: '', language: '' };
  const delayHours = delayHoursOf(f);
  return {
    name: f.name.trim(),
    enabled: f.enabled,
    trigger:
      f.triggerKind === 'event'
        ? { kind: 'event', event: f.event.trim(), delayHours }
        : { kind: 'campaign_read_no_reply', delayHours },
    condition: f.conditionKind === 'rows' ? formCondition(f) : null,
    phoneNumberId: f.phoneNumberId,
    template: { ...template, ...valuesInput(f) },
    quietHours: { start: f.sendFrom, end: f.sendUntil },
  };
}

/** The API body of an edit: every field, except a kept condition the form could not show (left as saved). */
export function toReminderUpdate(f: ReminderForm): ReminderUpdate {
  const { condition, ...rest } = toReminderInput(f);
  return f.conditionKind === 'kept' ? rest : { ...rest, condition };
}
