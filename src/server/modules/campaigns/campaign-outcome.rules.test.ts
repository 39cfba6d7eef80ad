import { describe, expect, it } from 'vitest';
import { estimateCost, DEFAULT_PRICES } from './campaign-estimate.rules.ts';
import { templateContent } from './campaign-message.rules.ts';
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
