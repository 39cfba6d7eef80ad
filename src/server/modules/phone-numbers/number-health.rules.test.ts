import { describe, expect, it } from 'vitest';
import { accountEventOf, healthFromPhoneInfo, qualityUpdateOf } from './number-health.rules.ts';

describe('number health', () => {
  it('reads quality, throughput and the messaging tier from GET /{pnid}', () => {
    expect(
      healthFromPhoneInfo({
        quality_rating: 'GREEN',
        throughput: { level: 'STANDARD' },
        whatsapp_business_manager_messaging_limit: 'TIER_1K',
      }),
    ).toEqual({ qualityRating: 'GREEN', throughputLevel: 'STANDARD', messagingTier: 'TIER_1K' });
    expect(
      healthFromPhoneInfo({ whatsapp_business_manager_messaging_limit: { current_limit: 'TIER_10K' } }),
    ).toEqual({ messagingTier: 'TIER_10K' });
    expect(healthFromPhoneInfo({ quality_rating: '<b>bad</b>' })).toEqual({});
  });

  it('reads phone_number_quality_update in its current and older shapes', () => {
    expect(
      qualityUpdateOf({
        display_phone_number: '+81 3-0000-0000',
        event: 'UPGRADE',
        max_daily_conversations_per_business: 'TIER_10K',
      }),
    ).toEqual({
      displayDigits: '81300000000',
      patch: { qualityEvent: 'UPGRADE', messagingTier: 'TIER_10K' },
    });
    expect(
      qualityUpdateOf({ display_phone_number: '15550001111', event: 'FLAGGED', current_limit: 'TIER_1K' }),
    ).toEqual({ displayDigits: '15550001111', patch: { qualityEvent: 'FLAGGED', messagingTier: 'TIER_1K' } });
    expect(qualityUpdateOf({ display_phone_number: '1555', event: 'THROUGHPUT_UPGRADE' })?.patch).toEqual({
      qualityEvent: 'THROUGHPUT_UPGRADE',
      throughputLevel: 'HIGH',
    });
    expect(qualityUpdateOf({ event: 'FLAGGED' })).toBeNull();
    expect(qualityUpdateOf('nope')).toBeNull();
  });

  it('reads the account_update event', () => {
    expect(accountEventOf({ event: 'ACCOUNT_RESTRICTION', restriction_info: [] })).toBe(
      'ACCOUNT_RESTRICTION',
    );
    expect(accountEventOf({})).toBeNull();
  });
});
