import { describe, expect, it } from 'vitest';
import { funnelFigures, type FunnelFacts } from './campaign-funnel.rules.ts';

const facts = (over: Partial<FunnelFacts> = {}): FunnelFacts => ({
  funnel: { sent: 10, delivered: 8, read: 6, clicked: 4, replied: 2, converted: 2 },
  deliveredByCountry: new Map([
    ['JP', 6],
    [null, 2],
  ]),
  category: 'MARKETING',
  prices: [
    { category: 'MARKETING', country: 'JP', price: 10, currency: 'JPY' },
    { category: 'MARKETING', country: '*', price: 20, currency: 'JPY' },
  ],
  revenue: [{ currency: 'JPY', amount: 1000, conversions: 2 }],
  settings: { attributionDays: 7, marginRate: 0.4, cpaAlertShare: 0.5 },
  ...over,
});

describe('campaign funnel figures', () => {
  it('prices delivered messages, divides by conversions, and compares with the share of margin', () => {
    // cost 6 × 10 + 2 × 20 = 100; CPA 50; margin per conversion 1000 × 0.4 / 2 = 200; threshold 100.
    expect(funnelFigures(facts())).toEqual({
      cost: { total: 100, currency: 'JPY', category: 'MARKETING' },
      costPerAcquisition: 50,
      alert: { cpaAboveThreshold: false, threshold: 100, reason: null },
    });
    expect(
      funnelFigures(facts({ settings: { attributionDays: 7, marginRate: 0.1, cpaAlertShare: 0.5 } })).alert,
    ).toEqual({ cpaAboveThreshold: true, threshold: 25, reason: null });
  });

  it('says why there is no threshold', () => {
    const reason = (over: Partial<FunnelFacts>) => funnelFigures(facts(over)).alert.reason;
    expect(reason({ settings: { attributionDays: 7, marginRate: null, cpaAlertShare: 0.5 } })).toBe(
      'no_margin_rate',
    );
    expect(reason({ funnel: { sent: 1, delivered: 1, read: 0, clicked: 0, replied: 0, converted: 0 } })).toBe(
      'no_conversions',
    );
    expect(reason({ revenue: [{ currency: 'USD', amount: 10, conversions: 2 }] })).toBe(
      'no_revenue_in_cost_currency',
    );
    expect(
      funnelFigures(facts({ funnel: { ...facts().funnel, converted: 0 } })).costPerAcquisition,
    ).toBeNull();
  });
});
