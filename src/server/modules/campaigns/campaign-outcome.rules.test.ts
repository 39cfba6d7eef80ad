import { describe, expect, it } from 'vitest';
import { estimateCost, DEFAULT_PRICES } from './campaign-estimate.rules.ts';
import {
  bodyPlaceholders,
  headerFormat,
  headerMismatch,
  templateContent,
  variablesMismatch,
} from './campaign-message.rules.ts';
import { errorMeaning, ledgerChange, type MessageOutcome } from './campaign-outcome.rules.ts';

const now = new Date('2026-03-02T00:00:00Z');
const m = (o: Partial<MessageOutcome>): MessageOutcome => ({
  status: 'queued',
  errorCode: null,
  sentAt: null,
  deliveredAt: null,
  readAt: null,
  failedAt: null,
  ...o,
});

describe('ledgerChange', () => {
  it('moves forward only', () => {
    expect(ledgerChange('queued', 0, m({ status: 'sent', sentAt: now }), now)).toEqual({
      kind: 'advance',
      status: 'sent',
      at: now,
    });
    expect(ledgerChange('read', 0, m({ status: 'delivered', deliveredAt: now }), now)).toEqual({
      kind: 'none',
    });
    expect(ledgerChange('replied', 0, m({ status: 'read', readAt: now }), now)).toEqual({ kind: 'none' });
  });
  it('retries 131049 once after 24 h when never delivered; fails it otherwise', () => {
    const failed = m({ status: 'failed', errorCode: 131049, failedAt: now });
    expect(ledgerChange('sent', 0, failed, now)).toEqual({
      kind: 'retry',
      errorCode: 131049,
      dueAt: new Date('2026-03-03T00:00:00Z'),
    });
    expect(ledgerChange('sent', 1, failed, now)).toMatchObject({ kind: 'fail', errorCode: 131049 });
    expect(ledgerChange('sent', 0, { ...failed, deliveredAt: now }, now)).toMatchObject({ kind: 'fail' });
    expect(ledgerChange('delivered', 0, failed, now)).toEqual({ kind: 'none' });
  });
  it('marks the contact unreachable on 131026', () => {
    expect(ledgerChange('sent', 0, m({ status: 'failed', errorCode: 131026 }), now)).toMatchObject({
      kind: 'fail',
      markUnreachable: true,
    });
    expect(errorMeaning(131026)).toMatch(/undeliverable/);
    expect(errorMeaning(1)).toBe('WhatsApp error 1');
  });
});

describe('estimateCost and templateContent', () => {
  it('prices recipients by country with a * fallback', () => {
    const cost = estimateCost(
      new Map([
        ['JP', 10],
        ['FR', 2],
      ]),
      'MARKETING',
      DEFAULT_PRICES,
    );
    expect(cost.total).toBeCloseTo(1.12);
    expect(cost.byCountry[0]).toEqual({ country: 'JP', recipients: 10, cost: 1 });
  });
  it('fills variables from fields, attributes and literals, with fallbacks', () => {
    const content = templateContent(
      {
        name: 'sale',
        language: 'ja',
        buttons: [],
        variables: [
          { source: { kind: 'field', field: 'name' }, fallback: 'お客様' },
          { source: { kind: 'attribute', key: 'tier' }, fallback: 'member' },
          { source: { kind: 'literal', value: 'SPRING' }, fallback: 'x' },
        ],
      },
      { name: null, profileName: null, phone: '+81', country: 'JP', attributes: { tier: 'gold\nvip' } },
    );
    expect(content.template.components?.[0]?.parameters.map((p) => ('text' in p ? p.text : null))).toEqual([
      'お客様',
      'gold vip',
      'SPRING',
    ]);
  });
});

describe('variablesMismatch', () => {
  const v = (name?: string) => ({
    ...(name ? { name } : {}),
    source: { kind: 'literal' as const, value: 'x' },
    fallback: 'y',
  });
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

describe('media headers', () => {
  it('puts the header media first and checks it against the template header format', () => {
    const t = {
      name: 'promo',
      language: 'ja',
      variables: [],
      buttons: [],
      header: { type: 'image' as const, mediaId: 'up-1' },
    };
    const fields = { name: null, profileName: null, phone: null, country: null, attributes: {} };
    expect(templateContent(t, fields, undefined, { id: 'wa-9' }).template.components).toEqual([
      { type: 'header', parameters: [{ type: 'image', image: { id: 'wa-9' } }] },
    ]);
    const image = headerFormat([
      { type: 'HEADER', format: 'IMAGE' },
      { type: 'BODY', text: 'x' },
    ]);
    expect(image).toBe('IMAGE');
    expect(headerFormat([{ type: 'BODY', text: 'x' }])).toBeNull();
    expect(headerMismatch(t.header, image)).toBeNull();
    expect(headerMismatch({ type: 'video', link: 'https://x.test/a.mp4' }, image)).toMatch(/IMAGE/);
    expect(headerMismatch(undefined, 'DOCUMENT')).toMatch(/DOCUMENT/);
    expect(headerMismatch(t.header, null)).toMatch(/no header/);
    expect(headerMismatch(undefined, 'TEXT')).toBeNull();
  });
});
