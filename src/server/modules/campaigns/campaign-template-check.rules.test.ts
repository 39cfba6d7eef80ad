import { describe, expect, it } from 'vitest';
import type { CampaignTemplate } from '../../../contracts/campaign.schemas.ts';
import {
  bodyPlaceholders,
  buttonsMismatch,
  csvVariablesMisplaced,
  headerFormat,
  headerMismatch,
  templateMismatch,
  variablesMismatch,
} from './campaign-template-check.rules.ts';

const ORIGIN = 'https://tsunagi.example';
const literal = (value: string) => ({ source: { kind: 'literal' as const, value }, fallback: 'y' });

describe('variablesMismatch', () => {
  const v = (name?: string) => ({ ...(name ? { name } : {}), ...literal('x') });
  it('counts positional placeholders and compares named ones', () => {
    const positional = bodyPlaceholders([{ type: 'BODY', text: '{{1}}様、{{2}}までセール。{{1}}' }]);
    expect(positional).toEqual({ positional: 2, named: [] });
    expect(variablesMismatch([v(), v()], positional)).toBeNull();
    expect(variablesMismatch([v()], positional)).toMatch(/has 2 variable/);
    const named = bodyPlaceholders([{ type: 'body', text: '{{first_name}}様 {{ code }}' }]);
    expect(named).toEqual({ positional: 0, named: ['code', 'first_name'] });
    expect(variablesMismatch([v('first_name'), v('code')], named)).toBeNull();
    expect(variablesMismatch([v('first_name')], named)).toMatch(/named/);
    expect(variablesMismatch([], bodyPlaceholders([]))).toBeNull();
  });
});

describe('headerMismatch', () => {
  const image = [
    { type: 'HEADER', format: 'IMAGE' },
    { type: 'BODY', text: 'x' },
  ];
  const text = (t: string) => [{ type: 'HEADER', format: 'TEXT', text: t }];
  const textHeader = (name?: string) => ({
    type: 'text' as const,
    variable: { ...(name ? { name } : {}), ...literal('春') },
  });

  it('checks media against the template header format', () => {
    expect(headerFormat(image)).toBe('IMAGE');
    expect(headerFormat([{ type: 'BODY', text: 'x' }])).toBeNull();
    expect(headerFormat([{ type: 'header', text: 'Hi' }])).toBe('TEXT');
    expect(headerMismatch({ type: 'image', mediaId: 'up-1' }, image)).toBeNull();
    expect(headerMismatch({ type: 'video', link: 'https://x.test/a.mp4' }, image)).toMatch(/IMAGE/);
    expect(headerMismatch(undefined, [{ type: 'HEADER', format: 'DOCUMENT' }])).toMatch(/DOCUMENT/);
    expect(headerMismatch({ type: 'image', mediaId: 'up-1' }, [])).toMatch(/no header/);
    expect(headerMismatch(undefined, [{ type: 'HEADER', format: 'LOCATION' }])).toMatch(/cannot fill/);
  });

  it('needs the variable of a text header that has one, named as the template names it', () => {
    expect(headerMismatch(undefined, text('お知らせ'))).toBeNull();
    expect(headerMismatch(textHeader(), text('お知らせ'))).toMatch(/no variable/);
    expect(headerMismatch(undefined, text('{{1}}様へ'))).toMatch(/has a variable/);
    expect(headerMismatch({ type: 'image', mediaId: 'up-1' }, text('{{1}}様へ'))).toMatch(/has a variable/);
    expect(headerMismatch(textHeader(), text('{{1}}様へ'))).toBeNull();
    expect(headerMismatch(textHeader('season'), text('{{1}}様へ'))).toMatch(/positional/);
    expect(headerMismatch(textHeader('season'), text('{{season}} sale'))).toBeNull();
    expect(headerMismatch(textHeader(), text('{{season}} sale'))).toMatch(/named variable season/);
    expect(headerMismatch(textHeader(), image)).toMatch(/IMAGE/);
  });
});

describe('buttonsMismatch', () => {
  const components = [
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'QUICK_REPLY', text: '興味あり' },
        { type: 'URL', text: 'Order', url: 'https://shop.example/orders/{{1}}' },
        { type: 'URL', text: 'Sale', url: `${ORIGIN}/r/{{1}}` },
        { type: 'URL', text: 'Home', url: 'https://shop.example/' },
      ],
    },
  ];
  const all: CampaignTemplate['buttons'] = [
    { index: 0, payload: literal('INTERESTED') },
    { index: 1, suffix: { source: { kind: 'attribute', key: 'order' }, fallback: 'latest' } },
    { index: 2, url: 'https://shop.example/sale' },
  ];

  it('accepts payloads on quick replies, suffixes and tracked links on URL buttons with {{1}}', () => {
    expect(buttonsMismatch(all, components, ORIGIN)).toBeNull();
    // A quick reply may go without a payload.
    expect(buttonsMismatch(all.slice(1), components, ORIGIN)).toBeNull();
    // Without an origin, tracked buttons are not compared with the redirect.
    expect(
      buttonsMismatch([all[0]!, all[1]!, { index: 2, suffix: literal('x') }], components, null),
    ).toBeNull();
  });

  it('refuses a value on the wrong kind of button and a dynamic URL button left without one', () => {
    expect(
      buttonsMismatch([all[1]!, all[2]!, { index: 3, payload: literal('x') }], components, ORIGIN),
    ).toEqual({
      index: 3,
      message: expect.stringMatching(/no quick-reply button at index 3/),
    });
    expect(
      buttonsMismatch([{ index: 0, suffix: literal('x') }, ...all.slice(1)], components, ORIGIN),
    ).toEqual({
      index: 0,
      message: expect.stringMatching(/no URL button with a \{\{1\}\} suffix at index 0/),
    });
    expect(
      buttonsMismatch([all[1]!, all[2]!, { index: 3, suffix: literal('x') }], components, ORIGIN)?.index,
    ).toBe(3);
    expect(buttonsMismatch([all[0]!, all[2]!], components, ORIGIN)).toEqual({
      index: 1,
      message: expect.stringMatching(/variable suffix/),
    });
    expect(buttonsMismatch([{ index: 1, url: 'https://x.example/' }, all[2]!], components, ORIGIN)).toEqual({
      index: 1,
      message: expect.stringMatching(/must have the URL/),
    });
    expect(buttonsMismatch([{ index: 4, payload: literal('x') }], [], ORIGIN)?.index).toBe(4);
  });
});

describe('templateMismatch', () => {
  const t = (patch: Partial<CampaignTemplate>): CampaignTemplate => ({
    name: 'x',
    language: 'ja',
    variables: [],
    buttons: [],
    ...patch,
  });
  const components = [
    { type: 'HEADER', format: 'TEXT', text: '{{1}}様へ' },
    { type: 'BODY', text: '{{1}}' },
    { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Go', url: 'https://x.example/{{1}}' }] },
  ];
  it('names the component (header, then body, then buttons) and the stable code', () => {
    const header = { type: 'text' as const, variable: literal('a') };
    const body = [literal('b')];
    const buttons = [{ index: 0, suffix: literal('c') }];
    expect(templateMismatch(t({ variables: body, buttons }), components, null)).toMatchObject({
      code: 'template_header_mismatch',
      component: 'header',
    });
    expect(templateMismatch(t({ header, buttons }), components, null)).toMatchObject({
      code: 'template_variables_mismatch',
      component: 'body',
    });
    expect(templateMismatch(t({ header, variables: body }), components, null)).toMatchObject({
      code: 'template_variables_mismatch',
      component: 'button',
      index: 0,
    });
    expect(templateMismatch(t({ header, variables: body, buttons }), components, null)).toBeNull();
  });

  it('finds CSV columns in headers and buttons too, and refuses them without a CSV audience', () => {
    const csv = { source: { kind: 'csv' as const, column: 'coupon' }, fallback: 'x' };
    const doc = (template: CampaignTemplate, audience: object = { segmentId: 's' }) => ({
      audience,
      template,
      variantB: null,
    });
    expect(csvVariablesMisplaced(doc(t({ header: { type: 'text', variable: csv } })))).toMatch(/CSV/);
    expect(csvVariablesMisplaced(doc(t({ buttons: [{ index: 0, payload: csv }] })))).toMatch(/CSV/);
    expect(
      csvVariablesMisplaced(doc(t({ buttons: [{ index: 0, suffix: csv }] }), { importId: 'i' })),
    ).toBeNull();
    expect(csvVariablesMisplaced(doc(t({})))).toBeNull();
  });
});
