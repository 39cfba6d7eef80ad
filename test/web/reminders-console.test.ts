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
  valuesForTemplate,
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

  it('fills a header, URL buttons and quick replies as campaigns do, with the header media as a link', () => {
    const withImage = {
      components: [
        { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://example.com/h.jpg'] } },
        { type: 'BODY', text: '{{1}}様、ご注文の品の補充はいかがですか', example: { body_text: [['田中']] } },
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'URL', text: '注文する', url: 'https://shop.example.jp/order/{{1}}' },
            { type: 'QUICK_REPLY', text: '配信停止' },
          ],
        },
      ],
    };
    let f = { ...emptyReminderForm(NUMBER), name: '補充', event: 'order_placed', template: 'restock_img|ja' };
    f = { ...f, ...valuesForTemplate(withImage, f) };
    expect(f.headerMedia).toMatchObject({ type: 'image', mode: 'link', link: '' });
    expect(f.buttons.map((b) => [b.index, b.button, b.kind])).toEqual([
      [0, 'url', 'field'],
      [1, 'quick_reply', 'none'],
    ]);
    expect(reminderProblems(f)).toEqual({
      'variable:1': 'fallbackRequired',
      'variable:button:0': 'fallbackRequired',
      headerMedia: 'httpsUrl',
    });
    f = {
      ...f,
      variables: f.variables.map((v) => ({ ...v, fallback: 'お客様' })),
      headerMedia: { ...f.headerMedia!, link: 'https://cdn.example.jp/restock.jpg' },
      buttons: f.buttons.map((b) =>
        b.button === 'url'
          ? { ...b, kind: 'attribute' as const, attribute: 'last_order_id', fallback: 'latest' }
          : { ...b, kind: 'literal' as const, literal: 'STOP', fallback: 'STOP' },
      ),
    };
    expect(reminderProblems(f)).toEqual({});
    // No tracked link or CSV column in a reminder, wherever the value goes.
    expect(
      reminderProblems({ ...f, buttons: f.buttons.map((b) => ({ ...b, kind: 'link' as const })) }),
    ).toMatchObject({ 'variable:button:0': 'source', 'variable:button:1': 'source' });
    const input = toReminderInput(f);
    expect(ReminderInputSchema.safeParse(input).success).toBe(true);
    expect(input.template).toMatchObject({
      header: { type: 'image', link: 'https://cdn.example.jp/restock.jpg' },
      buttons: [
        { index: 0, suffix: { source: { kind: 'attribute', key: 'last_order_id' }, fallback: 'latest' } },
        { index: 1, payload: { source: { kind: 'literal', value: 'STOP' }, fallback: 'STOP' } },
      ],
    });

    // Saved and read back: the same values, the header still a link.
    const r = saved({
      template: { ...ReminderInputSchema.parse(input).template },
    });
    const back = formOfReminder(r, withImage);
    expect(back.headerMedia).toMatchObject({ mode: 'link', link: 'https://cdn.example.jp/restock.jpg' });
    expect(toReminderInput(back).template).toEqual(input.template);

    // A text header's variable.
    const textHeader = {
      components: [
        { type: 'HEADER', format: 'TEXT', text: '{{1}}様へ', example: { header_text: ['田中'] } },
        { type: 'BODY', text: '補充の時期です' },
      ],
    };
    const g = { ...f, ...valuesForTemplate(textHeader, f) };
    expect(g.headerMedia).toBeNull();
    expect(g.headerVariable).toMatchObject({ placeholder: '1', kind: 'field', field: 'name' });
    expect(reminderProblems(g)).toEqual({ 'variable:header': 'fallbackRequired' });
    const h = { ...g, headerVariable: { ...g.headerVariable!, fallback: 'お客様' } };
    expect(toReminderInput(h).template.header).toEqual({
      type: 'text',
      variable: { source: { kind: 'field', field: 'name' }, fallback: 'お客様' },
    });
  });
});
