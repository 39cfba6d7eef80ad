/** Pure facts about message templates. */

/** The template webhook fields the template cache applies (the others are dead-lettered for the WABA). */
export const TEMPLATE_WEBHOOK_FIELDS = [
  'message_template_status_update',
  'template_category_update',
] as const;

/** Whether a webhook field is a template update the template cache applies. */
export function isTemplateWebhookField(field: string): boolean {
  return (TEMPLATE_WEBHOOK_FIELDS as readonly string[]).includes(field);
}
