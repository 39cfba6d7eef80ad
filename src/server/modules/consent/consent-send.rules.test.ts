import { describe, expect, it } from 'vitest';
import { templateCategory, templateRefusal } from './consent-send.rules.ts';

describe('consent and sends', () => {
  it('refuses marketing and unknown templates to an opted-out contact only', () => {
    expect(templateRefusal('opted_out', 'MARKETING')).toEqual({ reason: 'marketing_template' });
    expect(templateRefusal('opted_out', null)).toEqual({ reason: 'unknown_template' });
    expect(templateRefusal('opted_out', 'UTILITY')).toBeNull();
    expect(templateRefusal('opted_out', 'AUTHENTICATION')).toBeNull();
    expect(templateRefusal('opted_in', 'MARKETING')).toBeNull();
    expect(templateRefusal('unknown', null)).toBeNull();
  });

  it('takes the category of the language, else the one all languages share', () => {
    const rows = [
      { language: 'ja', category: 'MARKETING' },
      { language: 'en_US', category: 'UTILITY' },
    ];
    expect(templateCategory(rows, 'en_US')).toBe('UTILITY');
    expect(templateCategory(rows, 'fr')).toBeNull();
    expect(templateCategory([{ language: 'ja', category: 'UTILITY' }], 'en')).toBe('UTILITY');
    expect(templateCategory([], 'en')).toBeNull();
  });
});
