import type { SimulatorCore } from './core.ts';
import { digitsOf } from './state.ts';
import type { BusinessNumber } from './state.ts';
import type { TemplateDef } from './templates.schemas.ts';
import type { WebhookUpdate } from './webhook-payloads.ts';

/**
 * Webhook updates outside the `messages` field that control actions cause: a customer stopping or resuming
 * marketing (`user_preferences`, reference §3.7, §6.6) and a template review decision
 * (`message_template_status_update`, §3.7).
 */

/** `user_preferences` update for a stop/resume of marketing messages. */
export function userPreferencesUpdate(
  core: SimulatorCore,
  num: BusinessNumber,
  waId: string,
  value: 'stop' | 'resume',
): WebhookUpdate {
  return {
    kind: 'field',
    field: 'user_preferences',
    wabaId: num.wabaId,
    key: `${num.phoneNumberId}:${waId}`,
    value: {
      messaging_product: 'whatsapp',
      metadata: {
        display_phone_number: digitsOf(num.displayPhoneNumber),
        phone_number_id: num.phoneNumberId,
      },
      contacts: [{ profile: { name: core.customers.nameOf(waId) ?? waId }, wa_id: waId }],
      user_preferences: [
        {
          wa_id: waId,
          detail: `User requested to ${value} marketing messages`,
          category: 'marketing_messages',
          value,
          timestamp: Math.floor(core.clock.nowMs() / 1000),
        },
      ],
    },
  };
}

/** `message_template_status_update` for a template whose status just changed. */
export function templateStatusUpdate(
  core: SimulatorCore,
  wabaId: string,
  def: TemplateDef,
  reason?: string | null,
): WebhookUpdate {
  const why = def.status === 'REJECTED' ? (reason ?? def.rejectedReason ?? 'INVALID_FORMAT') : 'NONE';
  return {
    kind: 'field',
    field: 'message_template_status_update',
    wabaId,
    key: `template:${def.id}`,
    entryTime: Math.floor(core.clock.nowMs() / 1000),
    value: {
      event: def.status,
      message_template_id: Number(def.id),
      message_template_name: def.name,
      message_template_language: def.language,
      reason: why,
      message_template_category: def.category,
      ...(def.status === 'REJECTED'
        ? {
            rejection_info: {
              reason: why,
              recommendation: 'Review the template guidelines and edit the template.',
            },
          }
        : {}),
    },
  };
}

/** `message_template_quality_update` (reference §3.7) for a template whose quality score changed. */
export function templateQualityUpdate(
  core: SimulatorCore,
  wabaId: string,
  def: TemplateDef,
  previous: string,
): WebhookUpdate {
  return {
    kind: 'field',
    field: 'message_template_quality_update',
    wabaId,
    key: `template-quality:${def.id}`,
    entryTime: Math.floor(core.clock.nowMs() / 1000),
    value: {
      previous_quality_score: previous,
      new_quality_score: def.qualityScore ?? 'UNKNOWN',
      message_template_id: Number(def.id),
      message_template_name: def.name,
      message_template_language: def.language,
    },
  };
}

/**
 * `phone_number_quality_update` (reference §3.7, §6.4): names the number by its display number (digits), with
 * the event and the messaging limit tier in `max_daily_conversations_per_business`.
 */
export function phoneNumberQualityUpdate(
  core: SimulatorCore,
  num: BusinessNumber,
  event: string,
  tier: string | undefined,
): WebhookUpdate {
  return {
    kind: 'field',
    field: 'phone_number_quality_update',
    wabaId: num.wabaId,
    key: `quality:${num.phoneNumberId}`,
    entryTime: Math.floor(core.clock.nowMs() / 1000),
    value: {
      display_phone_number: digitsOf(num.displayPhoneNumber),
      event,
      ...(tier === undefined ? {} : { max_daily_conversations_per_business: tier }),
    },
  };
}
