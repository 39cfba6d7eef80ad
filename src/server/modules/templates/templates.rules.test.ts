import { describe, expect, it } from 'vitest';
import { editRefusal, isTemplateAlert, isTemplateWebhookField } from './templates.rules.ts';

describe('template rules', () => {
  it('applies the three template webhook fields', () => {
    expect(isTemplateWebhookField('message_template_quality_update')).toBe(true);
    expect(isTemplateWebhookField('message_template_components_update')).toBe(false);
  });

  it('alerts on what stops or threatens sending, not on approvals or improvements', () => {
    expect(isTemplateAlert({ kind: 'status', value: 'REJECTED', previous: 'PENDING' })).toBe(true);
    expect(isTemplateAlert({ kind: 'status', value: 'PAUSED', previous: 'APPROVED' })).toBe(true);
    expect(isTemplateAlert({ kind: 'status', value: 'APPROVED', previous: 'PENDING' })).toBe(false);
    expect(isTemplateAlert({ kind: 'quality', value: 'RED', previous: 'GREEN' })).toBe(true);
    expect(isTemplateAlert({ kind: 'quality', value: 'YELLOW', previous: null })).toBe(true);
    expect(isTemplateAlert({ kind: 'quality', value: 'GREEN', previous: 'YELLOW' })).toBe(false);
    expect(isTemplateAlert({ kind: 'quality', value: 'UNKNOWN', previous: 'GREEN' })).toBe(false);
    expect(isTemplateAlert({ kind: 'category', value: 'MARKETING', previous: 'UTILITY' })).toBe(true);
    expect(isTemplateAlert({ kind: 'edited', value: 'components', previous: null })).toBe(false);
  });

  it("allows edits only in Meta's states and within its limits", () => {
    const now = new Date('2026-03-10T00:00:00Z');
    const ago = (h: number) => new Date(now.getTime() - h * 3600_000);
    const base = { currentCategory: 'MARKETING' };
    expect(editRefusal('PENDING', base, [], now)).toEqual({ reason: 'status' });
    expect(editRefusal('DISABLED', base, [], now)).toEqual({ reason: 'status' });
    expect(editRefusal('REJECTED', { ...base, category: 'UTILITY' }, [ago(1)], now)).toBeNull();
    expect(editRefusal('APPROVED', { ...base, category: 'UTILITY' }, [], now)).toEqual({
      reason: 'category_locked',
    });
    expect(editRefusal('APPROVED', base, [ago(23)], now)).toEqual({ reason: 'daily_limit', limit: 1 });
    expect(editRefusal('APPROVED', base, [ago(25)], now)).toBeNull();
    const ten = Array.from({ length: 10 }, (_, i) => ago(48 + i * 24));
    expect(editRefusal('APPROVED', base, ten, now)).toEqual({ reason: 'monthly_limit', limit: 10 });
  });
});
