import type { TFunction } from 'i18next';
import type { ReminderDto } from '../../../contracts/reminders.schemas.ts';
import { delayParts } from './reminder-form.ts';

/* How the Reminders page words a reminder (pure, given the translation function). */

/** A delay in words: whole days when it is some, else hours. */
export function delayText(hours: number, t: TFunction): string {
  const d = delayParts(hours);
  return t(d.unit === 'days' ? 'reminders.delayDays' : 'reminders.delayHours', { count: d.value });
}

/** A trigger in words: "1 day after the latest “order_placed” event". */
export function triggerText(trigger: ReminderDto['trigger'], t: TFunction): string {
  const delay = delayText(trigger.delayHours, t);
  return trigger.kind === 'event'
    ? t('reminders.triggerEvent', { delay, event: trigger.event })
    : t('reminders.triggerReadNoReply', { delay });
}
