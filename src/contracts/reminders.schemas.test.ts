import { describe, expect, it } from 'vitest';
import { ReminderTemplateInputSchema, ReminderTemplateSchema } from './reminders.schemas.ts';

describe('ReminderTemplateSchema', () => {
  const base = { name: 'refill', language: 'ja' };
  const value = { source: { kind: 'literal', value: 'x' }, fallback: 'x' };
  it('takes text header variables, URL suffixes and payloads, rendered as in campaigns', () => {
    const t = {
      ...base,
      header: { type: 'text', variable: value },
      buttons: [
        { index: 0, payload: value },
        { index: 1, suffix: value },
      ],
    };
    expect(ReminderTemplateInputSchema.safeParse(t).success).toBe(true);
    expect(
      ReminderTemplateInputSchema.safeParse({
        ...base,
        header: { type: 'image', link: 'https://x.test/a.jpg' },
      }).success,
    ).toBe(true);
  });
  it('refuses tracked links and uploaded header files (resolved per number only by campaigns)', () => {
    const refused = [
      { ...base, buttons: [{ index: 0, url: 'https://shop.example/' }] },
      { ...base, variables: [{ source: { kind: 'link', url: 'https://shop.example/' }, fallback: 'x' }] },
      { ...base, header: { type: 'image', mediaId: 'up-1' } },
    ];
    expect(refused.map((t) => ReminderTemplateInputSchema.safeParse(t).success)).toEqual([
      false,
      false,
      false,
    ]);
    // A reminder saved before uploaded files were refused still reads.
    expect(ReminderTemplateSchema.safeParse(refused[2]).success).toBe(true);
  });
});
