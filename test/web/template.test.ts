import { describe, expect, it } from 'vitest';
import {
  buildTemplateSend,
  sentTemplateValues,
  templatePreview,
  templateVariables,
} from '../../src/web/lib/template.ts';

const components = [
  { type: 'HEADER', format: 'TEXT', text: 'ご注文 {{1}}' },
  {
    type: 'BODY',
    text: '{{1}} 様、ご注文 {{2}} を発送しました。',
    example: { body_text: [['山田', 'A-1']] },
  },
  { type: 'FOOTER', text: 'つなぎストア' },
  {
    type: 'BUTTONS',
    buttons: [
      { type: 'URL', text: '追跡', url: 'https://t.example/{{1}}' },
      { type: 'QUICK_REPLY', text: '問い合わせ' },
    ],
  },
];

describe('template variables and preview', () => {
  it('lists header, body and URL-button variables', () => {
    expect(templateVariables(components).map((v) => v.key)).toEqual([
      'header:1',
      'body:1',
      'body:2',
      'button:0:1',
    ]);
    expect(templateVariables(components)[1]?.example).toBe('山田');
    expect(templateVariables([{ type: 'BODY', text: 'Hello World' }])).toEqual([]);
  });

  it('builds the Cloud API template object and previews what the customer reads', () => {
    const values = { 'header:1': 'A-1', 'body:1': '山田', 'body:2': 'A-1', 'button:0:1': 'A1' };
    const send = buildTemplateSend({ name: 'order_shipped', language: 'ja', components }, values);
    expect(send).toEqual({
      name: 'order_shipped',
      language: { code: 'ja' },
      components: [
        { type: 'header', parameters: [{ type: 'text', text: 'A-1' }] },
        {
          type: 'body',
          parameters: [
            { type: 'text', text: '山田' },
            { type: 'text', text: 'A-1' },
          ],
        },
        { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'A1' }] },
      ],
    });
    const sent = sentTemplateValues(send);
    expect(templatePreview(components, (k) => sent[k])).toEqual({
      header: 'ご注文 A-1',
      body: '山田 様、ご注文 A-1 を発送しました。',
      footer: 'つなぎストア',
      buttons: ['追跡', '問い合わせ'],
    });
  });

  it('uses parameter_name for named variables and keeps missing ones visible', () => {
    const named = [{ type: 'BODY', text: 'Hi {{first_name}}' }];
    expect(
      buildTemplateSend({ name: 'n', language: 'en', components: named }, { 'body:first_name': 'Ken' })
        .components,
    ).toEqual([{ type: 'body', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Ken' }] }]);
    expect(templatePreview(named, () => undefined).body).toBe('Hi {{first_name}}');
  });
});
