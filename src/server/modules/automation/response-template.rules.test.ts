import { describe, expect, it } from 'vitest';
import { checkContentTemplates, checkTemplate, mapTexts, renderTemplate } from './response-template.rules.ts';

const now = new Date('2026-03-10T00:00:00Z');
const subject = {
  name: '佐藤',
  phone: '+819011112222',
  attributes: { plan: 'gold', shop: { city: 'Osaka' } },
  tags: ['vip'],
  events: [{ name: 'order_placed', at: new Date('2026-03-07T00:00:00Z') }],
};

describe('conditional content', () => {
  it('renders blocks by condition and variables from the contact', () => {
    const text =
      '{{contact.name}}様、ありがとうございます。{{#if event.order_placed within 7d}}ご注文状況: https://shop.example/orders{{/if}}' +
      '{{#if not event.message_received within 30d}} クーポン: WELCOME10{{else}}{{/if}} ({{contact.attr.shop.city}})';
    expect(renderTemplate(text, subject, now)).toBe(
      '佐藤様、ありがとうございます。ご注文状況: https://shop.example/orders クーポン: WELCOME10 (Osaka)',
    );
    expect(renderTemplate('{{#if tag:vip}}VIP{{else}}通常{{/if}}', { ...subject, tags: [] }, now)).toBe(
      '通常',
    );
    expect(renderTemplate('{{contact.attr.missing}}!', subject, now)).toBe('!');
  });

  it('reports invalid conditions and unclosed blocks when a rule is saved', () => {
    expect(checkTemplate('{{#if tag:vip}}x{{/if}}')).toEqual([]);
    expect(checkTemplate('{{#if attr.plan ==}}x{{/if}}')[0]).toMatch(
      /^\{\{#if attr.plan ==\}\}: .+\(at \d+\)$/,
    );
    expect(checkTemplate('{{#if tag:vip}}x')).toHaveLength(1);
    expect(checkContentTemplates({ type: 'text', text: { body: '{{#if (}}x{{/if}}' } })).toHaveLength(1);
  });

  it('maps every customer-visible text of a message without touching the original', () => {
    const content = {
      type: 'interactive',
      interactive: { type: 'button', body: { text: 'a' }, footer: { text: 'b' }, action: { buttons: [] } },
    };
    const mapped = mapTexts(content, (t) => t.toUpperCase());
    expect(mapped).toMatchObject({ interactive: { body: { text: 'A' }, footer: { text: 'B' } } });
    expect(content.interactive.body.text).toBe('a');
  });
});
