import { describe, expect, it } from 'vitest';
import { addFunnels, combineVariants, funnelRates, variantLift } from './campaign-earnings.rules.ts';

const a = { sent: 10, delivered: 8, read: 6, clicked: 4, replied: 2, converted: 2 };
const b = { sent: 10, delivered: 10, read: 5, clicked: 5, replied: 1, converted: 4 };

describe('campaign earnings', () => {
  it('rates: delivery over sent, the rest over delivered, null on 0', () => {
    expect(funnelRates(a)).toEqual({
      deliveryRate: 0.8,
      readRate: 0.75,
      clickRate: 0.5,
      replyRate: 0.25,
      conversionRate: 0.25,
    });
    expect(funnelRates(addFunnels([])).deliveryRate).toBeNull();
  });

  it('a campaign is the sum of its variants: counts, revenue per currency, cost; CPA from the sums', () => {
    const cost = (total: number) => ({ total, currency: 'JPY', category: 'MARKETING' });
    const c = combineVariants([
      {
        funnel: a,
        revenue: [{ currency: 'JPY', amount: 3000, conversions: 2 }],
        cost: cost(120),
        costPerAcquisition: 60,
      },
      {
        funnel: b,
        revenue: [
          { currency: 'USD', amount: 20, conversions: 1 },
          { currency: 'JPY', amount: 1500, conversions: 3 },
        ],
        cost: cost(150),
        costPerAcquisition: 37.5,
      },
    ]);
    expect(c).toEqual({
      funnel: { sent: 20, delivered: 18, read: 11, clicked: 9, replied: 3, converted: 6 },
      rates: funnelRates({ sent: 20, delivered: 18, read: 11, clicked: 9, replied: 3, converted: 6 }),
      revenue: [
        { currency: 'JPY', amount: 4500, conversions: 5 },
        { currency: 'USD', amount: 20, conversions: 1 },
      ],
      cost: cost(270),
      costPerAcquisition: 45,
    });
  });

  it('lift is b − a per rate', () => {
    expect(variantLift(funnelRates(a), funnelRates(b))).toEqual({
      deliveryRate: 0.2,
      readRate: -0.25,
      clickRate: 0,
      replyRate: -0.15,
      conversionRate: 0.15,
    });
  });
});
