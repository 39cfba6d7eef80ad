import { describe, expect, it } from 'vitest';
import {
  ReminderInputSchema,
  ReminderTriggerSchema,
  ReminderUpdateSchema,
  type ReminderDto,
} from '../../src/contracts/reminders.schemas.ts';
import {
  DELAY_HOURS,
  delayHoursOf,
  delayParts,
  emptyReminderForm,
  formOfReminder,
  reminderProblems,
  toReminderInput,
  toReminderUpdate,
} from '../../src/web/features/reminders/reminder-form.ts';

const NUMBER = '0190b6a4-0000-7000-8000-000000000001';
const TEMPLATE = {
  components: [{ type: 'BODY', text: '{{1}}様、そろそろ補充の時期です', example: { body_text: [['田中']] } }],
};

function saved(over: Partial<ReminderDto> = {}): ReminderDto {
  return {
    id: 'r1',
    name: '補充のお知らせ',
    enabled: true,
    trigger: { kind: 'event', event: 'order_placed', delayHours: 720 },
    condition: { type: 'tag', name: 'vip' },
    conditionText: null,
    phoneNumberId: NUMBER,
    template: {
      name: 'restock',
      language: 'ja',
      variables: [{ source: { kind: 'field', field: 'name' }, fallback: 'お客様' }],
      buttons: [],
    },
    quietHours: { start: '09:00', end: '21:00' },
    createdBy: null,
    createdAt: '2026-03-02T01:00:00.000Z',
    updatedAt: '2026-03-02T01:00:00.000Z',
    lastRun: null,
    totals: { sent: 0, skipped: {} },
    ...over,
  };
}

describe('the reminder form', () => {
  it('offers the delays the API accepts', () => {
    const ok = (delayHours: number) =>
      ReminderTriggerSchema.safeParse({ kind: 'campaign_read_no_reply', delayHours }).success;
    expect([ok(DELAY_HOURS.min), ok(DELAY_HOURS.max)]).toEqual([true, true]);
    expect([ok(DELAY_HOURS.min - 1), ok(DELAY_HOURS.max + 1)]).toEqual([false, false]);
    expect(delayParts(720)).toEqual({ value: 30, unit: 'days' });
    expect(delayParts(36)).toEqual({ value: 36, unit: 'hours' });
    expect(delayHoursOf({ delay: '90', delayUnit: 'days' })).toBe(2160);
    expect(delayHoursOf({ delay: '1.5', delayUnit: 'hours' })).toBeNaN();
  });

  it('says what is missing before a round trip', () => {
    const f = { ...emptyReminderForm(NUMBER), event: 'Order Placed', delay: '91' };
    expect(reminderProblems(f)).toEqual({
      name: 'required',
      event: 'eventName',
      delay: 'delayRange',
      template: 'pickTemplate',
    });
    expect(reminderProblems({ ...f, conditionKind: 'rows' }).rows).toBe('conditionIncomplete');
  });

  it('reads a saved reminder back into the same body, which the API accepts', () => {
    const r = saved();
    const f = formOfReminder(r, TEMPLATE);
    expect(f).toMatchObject({
      delay: '30',
      delayUnit: 'days',
      conditionKind: 'rows',
      template: 'restock|ja',
    });
    expect(reminderProblems(f)).toEqual({});
    const input = toReminderInput(f);
    expect(ReminderInputSchema.safeParse(input).success).toBe(true);
    expect(input).toMatchObject({
      trigger: r.trigger,
      condition: r.condition,
      template: { name: 'restock', language: 'ja', variables: r.template.variables },
      quietHours: r.quietHours,
    });
    // Read-without-reply for 36 hours, every contact.
    const other = toReminderInput({
      ...f,
      triggerKind: 'campaign_read_no_reply',
      delay: '36',
      delayUnit: 'hours',
      conditionKind: 'none',
    });
    expect(other.trigger).toEqual({ kind: 'campaign_read_no_reply', delayHours: 36 });
    expect(other.condition).toBeNull();
  });

  it('keeps a condition the rows cannot show unless it is replaced', () => {
    const r = saved({
      condition: { type: 'event', name: 'order_placed', withinMs: null, count: { op: '>=', value: 3 } },
      conditionText: 'event.order_placed count >= 3',
    });
    const f = formOfReminder(r, TEMPLATE);
    expect(f.conditionKind).toBe('kept');
    const update = toReminderUpdate(f);
    expect('condition' in update).toBe(false);
    expect(ReminderUpdateSchema.safeParse(update).success).toBe(true);
    expect(toReminderUpdate({ ...f, conditionKind: 'none' }).condition).toBeNull();
  });
});
