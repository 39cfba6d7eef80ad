/** Pure facts about message templates. */

/** The template webhook fields the template module applies (the others are dead-lettered for the WABA). */
export const TEMPLATE_WEBHOOK_FIELDS = [
  'message_template_status_update',
  'message_template_quality_update',
  'template_category_update',
] as const;

/** Whether a webhook field is a template update the template module applies. */
export function isTemplateWebhookField(field: string): boolean {
  return (TEMPLATE_WEBHOOK_FIELDS as readonly string[]).includes(field);
}

/** Statuses that need someone's attention (reference §3.7, §5.2, §5.6). */
const ALERT_STATUSES = new Set(['REJECTED', 'PAUSED', 'DISABLED', 'FLAGGED', 'LIMIT_EXCEEDED', 'LOCKED']);
const QUALITY_RANK: Record<string, number> = { GREEN: 3, YELLOW: 2, RED: 1 };

/** One observed change of a template. */
export interface TemplateChange {
  kind: 'status' | 'quality' | 'category' | 'edited';
  value: string;
  previous: string | null;
}

/**
 * Whether a change is an alert: a status that stops or threatens sending, a quality score going down (to yellow
 * or red), any recategorisation (the price changes). Approvals, reinstatements and quality going up are not.
 */
export function isTemplateAlert(c: TemplateChange): boolean {
  switch (c.kind) {
    case 'status':
      return ALERT_STATUSES.has(c.value);
    case 'quality': {
      const now = QUALITY_RANK[c.value];
      const before = c.previous === null ? 3 : (QUALITY_RANK[c.previous] ?? 3);
      return now !== undefined && now < before;
    }
    case 'category':
      return true;
    case 'edited':
      return false;
  }
}

/** Statuses in which Meta lets a template be edited (reference §5.1). */
export const EDITABLE_STATUSES = ['APPROVED', 'REJECTED', 'PAUSED'] as const;

const DAY_MS = 24 * 3600 * 1000;

/**
 * Why an edit is refused now, or null: only APPROVED, REJECTED or PAUSED templates; an approved template's
 * category can't change; an approved template at most once per 24 h and 10 times per 30 days (reference §5.1).
 */
export function editRefusal(
  status: string,
  change: { category?: string | undefined; currentCategory: string },
  editTimes: Date[],
  now: Date,
): { reason: 'status' | 'category_locked' | 'daily_limit' | 'monthly_limit'; limit?: number } | null {
  if (!(EDITABLE_STATUSES as readonly string[]).includes(status)) return { reason: 'status' };
  if (status !== 'APPROVED') return null;
  if (change.category !== undefined && change.category !== change.currentCategory)
    return { reason: 'category_locked' };
  const t = now.getTime();
  if (editTimes.some((d) => t - d.getTime() < DAY_MS)) return { reason: 'daily_limit', limit: 1 };
  if (editTimes.filter((d) => t - d.getTime() < 30 * DAY_MS).length >= 10)
    return { reason: 'monthly_limit', limit: 10 };
  return null;
}
