import { describe, expect, it } from 'vitest';
import { LINT_CODES, charCount, fixedWordCount, lintPasses, lintTemplate } from './template-lint.rules.ts';
import type { TemplateButton, TemplateComponent, TemplateDraft } from './template.schemas.ts';

const body = (text: string, samples?: string[]): TemplateComponent => ({
  type: 'BODY',
  text,
  ...(samples ? { example: { body_text: [samples] } } : {}),
});
const draft = (components: TemplateComponent[], over: Partial<TemplateDraft> = {}): TemplateDraft => ({
  name: 'order_update',
  language: 'ja',
  category: 'UTILITY',
  components,
  ...over,
});
const codes = (d: TemplateDraft) => lintTemplate(d).map((f) => f.code);
const buttons = (...b: TemplateButton[]): TemplateComponent => ({ type: 'BUTTONS', buttons: b });

describe('template linter', () => {
  it('passes a well-formed template (the reference example)', () => {
    const findings = lintTemplate(
      draft(
        [
          {
            type: 'HEADER',
            format: 'TEXT',
            text: 'Our {{1}} is on!',
            example: { header_text: ['Summer Sale'] },
          },
          body('Shop now through {{1}} and use code {{2}} to get {{3}} off all merchandise today.', [
            'the end of August',
            '25OFF',
            '25%',
          ]),
          { type: 'FOOTER', text: 'Use the buttons below to manage your subscriptions' },
          buttons(
            { type: 'QUICK_REPLY', text: 'Unsubscribe from Promos' },
            { type: 'URL', text: 'Shop', url: 'https://x.com/shop?promo={{1}}', example: ['summer2023'] },
          ),
        ],
        { name: 'seasonal_promotion', language: 'en_US', category: 'MARKETING' },
      ),
    );
    expect(findings).toEqual([]);
  });

  it('checks the name and the language', () => {
    expect(codes(draft([body('こんにちは')], { name: 'Order Update' }))).toContain('name_format');
    expect(codes(draft([body('こんにちは')], { name: '' }))).toContain('name_required');
    expect(codes(draft([body('こんにちは')], { name: 'a'.repeat(513) }))).toContain('name_too_long');
    expect(codes(draft([body('こんにちは')], { language: 'Japanese' }))).toContain('language_invalid');
    expect(codes(draft([body('こんにちは')], { language: 'pt_BR' }))).toEqual([]);
  });

  it('requires one body and counts lengths in characters (an emoji is one)', () => {
    expect(codes(draft([]))).toEqual(['body_missing']);
    expect(codes(draft([body('a'), body('b')]))).toContain('component_duplicate');
    const long = lintTemplate(draft([body('あ'.repeat(1025))]));
    expect(long).toContainEqual({
      code: 'body_too_long',
      severity: 'error',
      path: '/components/0/text',
      params: { max: 1024, actual: 1025 },
    });
    expect(codes(draft([body('😀'.repeat(1024))]))).not.toContain('body_too_long');
    expect(charCount('😀')).toBe(1);
  });

  it('checks header and footer lengths and characters', () => {
    const f = lintTemplate(
      draft([
        { type: 'HEADER', format: 'TEXT', text: 'x'.repeat(61) },
        body('ご注文ありがとうございます'),
        { type: 'FOOTER', text: 'y'.repeat(61) },
      ]),
    );
    expect(f.map((x) => [x.code, x.path])).toEqual([
      ['header_too_long', '/components/0/text'],
      ['footer_too_long', '/components/2/text'],
    ]);
    expect(
      codes(draft([{ type: 'HEADER', format: 'TEXT', text: '*セール* 🎉' }, body('本文です')])),
    ).toContain('header_invalid_characters');
    expect(codes(draft([body('本文です'), { type: 'FOOTER', text: '{{1}} より' }]))).toContain(
      'footer_variables',
    );
    expect(codes(draft([body('本文です'), { type: 'FOOTER', text: '改行\nあり' }]))).toContain(
      'footer_invalid_characters',
    );
  });

  it('finds dangling, adjacent, unsequenced and malformed variables', () => {
    expect(codes(draft([body('{{1}}様、ご注文ありがとうございます。', ['山田'])]))).toContain(
      'variable_at_start',
    );
    expect(codes(draft([body('ご注文ありがとうございます、{{1}}', ['山田'])]))).toContain('variable_at_end');
    expect(codes(draft([body('Your order {{1}} {{2}} has shipped today.', ['a', 'b'])]))).toContain(
      'variables_adjacent',
    );
    const seq = lintTemplate(draft([body('Hello {{1}}, your order {{3}} has shipped today.', ['a', 'b'])]));
    expect(seq).toContainEqual(
      expect.objectContaining({ code: 'variables_not_sequential', params: { expected: '{{1}}, {{2}}' } }),
    );
    expect(
      codes(draft([body('Hello {{2}}, order {{1}} shipped to your address today.', ['a', 'b'])])),
    ).toContain('variables_not_sequential');
    expect(codes(draft([body('Hello {{first name}}, your order shipped.')]))).toContain('variable_invalid');
    expect(codes(draft([body('Hello {{1}, your order shipped.')]))).toContain('variable_braces');
    expect(codes(draft([body('Hello {1}}, your order shipped.')]))).toContain('variable_braces');
  });

  it('warns when variables outnumber the fixed words', () => {
    const f = lintTemplate(draft([body('Hi {{1}}, order {{2}} ok.', ['a', 'b'])]));
    expect(f).toContainEqual({
      code: 'variables_too_dense',
      severity: 'warning',
      path: '/components/0/text',
      params: { variables: 2, words: 3, minimumWords: 5 },
    });
    expect(lintPasses(f)).toBe(true);
    expect(fixedWordCount('{{1}}様、ご注文は{{2}}に発送されました。')).toBe(7);
  });

  it('requires an example per variable', () => {
    expect(lintTemplate(draft([body('Hello {{1}}, your order {{2}} has shipped.', ['a'])]))).toContainEqual(
      expect.objectContaining({
        code: 'example_missing',
        path: '/components/0/example/body_text/0',
        params: { expected: 2, actual: 1 },
      }),
    );
    expect(codes(draft([body('Hello {{1}}, your order has shipped.', [' '])]))).toContain('example_empty');
    const header = draft([{ type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' }, body('It has shipped.')]);
    expect(codes(header)).toContain('example_missing');
    expect(
      codes(draft([{ type: 'HEADER', format: 'TEXT', text: '{{1}} and {{2}}' }, body('It has shipped.')])),
    ).toContain('header_too_many_variables');
  });

  it('handles named variables: not mixed, matching the declared format, examples by name', () => {
    const named = draft(
      [
        {
          type: 'BODY',
          text: 'Hello {{first_name}}, your order {{order_id}} has shipped today.',
          example: {
            body_text_named_params: [
              { param_name: 'first_name', example: 'Pablo' },
              { param_name: 'order_id', example: '860198' },
            ],
          },
        },
      ],
      { parameterFormat: 'NAMED' },
    );
    expect(lintTemplate(named)).toEqual([]);
    expect(codes({ ...named, parameterFormat: 'POSITIONAL' })).toContain('variable_format_mismatch');
    const mixed = draft([body('Hello {{first_name}}, your order {{1}} has shipped today.', ['x'])]);
    expect(codes(mixed)).toContain('variables_mixed');
    const missing = draft([{ type: 'BODY', text: 'Hello {{first_name}}, your order shipped.' }], {
      parameterFormat: 'NAMED',
    });
    expect(lintTemplate(missing)).toContainEqual(
      expect.objectContaining({ code: 'example_missing', params: { variable: 'first_name' } }),
    );
  });

  it('checks button counts, grouping and each button type', () => {
    const qr = (text: string): TemplateButton => ({ type: 'QUICK_REPLY', text });
    const url: TemplateButton = {
      type: 'URL',
      text: 'Open',
      url: 'https://shop.example/o/{{1}}',
      example: ['1'],
    };
    expect(codes(draft([body('ご確認ください'), buttons(qr('A'), url, qr('B'))]))).toContain(
      'buttons_not_grouped',
    );
    expect(codes(draft([body('ご確認ください'), buttons(qr('A'), qr('B'), url)]))).toEqual([]);
    const eleven = Array.from({ length: 11 }, (_, i) => qr(`Q${i}`));
    expect(codes(draft([body('ご確認ください'), buttons(...eleven)]))).toEqual(
      expect.arrayContaining(['buttons_too_many', 'quick_replies_too_many']),
    );
    expect(
      codes(
        draft([body('ご確認ください'), buttons(url, { ...url, text: 'Two' }, { ...url, text: 'Three' })]),
      ),
    ).toContain('url_buttons_too_many');
    expect(codes(draft([body('ご確認ください'), buttons(qr('x'.repeat(26)))]))).toContain(
      'button_text_too_long',
    );
    expect(codes(draft([body('ご確認ください'), buttons(qr('Same'), qr('Same'))]))).toContain(
      'button_text_duplicate',
    );
    expect(
      codes(draft([body('ご確認ください'), buttons({ ...url, url: 'https://shop.example/{{1}}/detail' })])),
    ).toContain('url_variable_not_at_end');
    expect(codes(draft([body('ご確認ください'), buttons({ ...url, example: undefined })]))).toContain(
      'url_example_missing',
    );
    expect(codes(draft([body('ご確認ください'), buttons({ ...url, url: 'shop dot com' })]))).toContain(
      'url_invalid',
    );
    const phone = (n: string): TemplateButton => ({ type: 'PHONE_NUMBER', text: 'Call', phone_number: n });
    expect(codes(draft([body('ご確認ください'), buttons(phone('+81312345678'))]))).toEqual([]);
    expect(codes(draft([body('ご確認ください'), buttons(phone('call me'))]))).toContain('phone_invalid');
    expect(
      codes(
        draft([
          body('ご確認ください'),
          buttons(phone('+81312345678'), { ...phone('+81312345679'), text: 'B' }),
        ]),
      ),
    ).toContain('phone_buttons_too_many');
    expect(
      codes(draft([body('ご確認ください'), buttons({ type: 'COPY_CODE', example: 'SUMMER-2026-EXTRA' })])),
    ).toContain('copy_code_example_too_long');
    expect(codes(draft([body('ご確認ください'), buttons({ type: 'OTP', otp_type: 'COPY_CODE' })]))).toContain(
      'otp_button_not_allowed',
    );
  });

  it('checks media and location headers', () => {
    expect(codes(draft([{ type: 'HEADER', format: 'IMAGE' }, body('新商品のお知らせです')]))).toEqual([
      'header_media_example_missing',
    ]);
    expect(
      codes(
        draft([
          { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2U='] } },
          body('新商品です'),
        ]),
      ),
    ).toEqual([]);
    expect(codes(draft([{ type: 'HEADER', format: 'LOCATION' }, body('店舗のご案内です')]))).toEqual([]);
  });

  it('enforces the fixed shapes of authentication templates', () => {
    const ok = draft(
      [
        { type: 'BODY', add_security_recommendation: true },
        { type: 'FOOTER', code_expiration_minutes: 10 },
        buttons({ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }),
      ],
      { category: 'AUTHENTICATION', name: 'login_code' },
    );
    expect(lintTemplate(ok)).toEqual([]);
    const bad = draft(
      [
        { type: 'HEADER', format: 'TEXT', text: 'Code' },
        { type: 'BODY', text: 'Your code is {{1}}' },
        { type: 'FOOTER', code_expiration_minutes: 120 },
        buttons({ type: 'OTP', otp_type: 'ONE_TAP' }, { type: 'QUICK_REPLY', text: 'Help' }),
      ],
      { category: 'AUTHENTICATION' },
    );
    expect(codes(bad)).toEqual([
      'auth_header_not_allowed',
      'auth_body_text_not_allowed',
      'auth_code_expiration_range',
      'auth_supported_apps_missing',
      'auth_button_not_allowed',
    ]);
    expect(codes({ ...ok, components: [{ type: 'BODY' }] })).toContain('auth_otp_button_required');
    expect(
      codes(draft([{ type: 'BODY', text: 'Hello there', add_security_recommendation: true }])),
    ).toContain('auth_only_field');
  });

  it('only produces codes from the published list', () => {
    const all = new Set<string>(LINT_CODES);
    const samples = [
      draft([]),
      draft([body('{{1}} {{2}}')], { name: 'X' }),
      draft([
        { type: 'HEADER', format: 'TEXT', text: '' },
        body(''),
        { type: 'FOOTER', text: '' },
        buttons(),
      ]),
    ];
    for (const s of samples) for (const c of codes(s)) expect(all.has(c)).toBe(true);
  });
});
