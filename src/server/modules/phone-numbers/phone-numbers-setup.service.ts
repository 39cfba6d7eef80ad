import type { z } from 'zod';
import type {
  PhoneNumberDto,
  TestMessageInputSchema,
  TestMessageResultDto,
  WebhookSubscriptionDto,
  WhatsAppSetupDto,
} from '../../../contracts/api.schemas.ts';
import { notFound } from '../../lib/app-error.ts';
import type { Principal } from '../auth/principal.rules.ts';
import { sendToNumber } from '../messages/messages-send.service.ts';
import { healthFromPhoneInfo } from './number-health.rules.ts';
import { numberWithCredentials, viaGraph, type NumberGraphDeps } from './phone-numbers-graph.service.ts';
import { markWebhooksSubscribed, writeNumberHealth } from './phone-numbers-health.repository.ts';
import { toPhoneNumberDto } from './phone-numbers.service.ts';

/**
 * The steps of connecting a real WhatsApp number, after it is registered (which checks the token and that the
 * number is on its WABA): what to paste into Meta's app settings, subscribing the app to the WABA's webhooks,
 * a test message, and the number's health.
 */

/**
 * What Meta's app settings need (WhatsApp → Configuration → Webhook): the callback URL, built from the public
 * origin (never from request headers), and the verify token this server answers Meta's check with.
 */
export function whatsappSetup(o: {
  origin: string;
  verifyToken: string | null;
  appSecret: string | null;
  simulator: boolean;
}): WhatsAppSetupDto {
  return {
    webhookUrl: `${o.origin}/webhooks/whatsapp`,
    verifyToken: o.verifyToken,
    appSecretConfigured: o.appSecret !== null,
    simulator: o.simulator,
    webhookUrlPublic: o.origin.startsWith('https://'),
  };
}

/**
 * Subscribes this app to the number's WABA webhooks (`POST /{waba}/subscribed_apps`), then reads the
 * subscription back; Meta delivers no message webhook for a WABA the app is not subscribed to. Records when.
 */
export async function subscribeWebhooks(
  deps: NumberGraphDeps,
  workspaceId: string,
  id: string,
): Promise<WebhookSubscriptionDto> {
  const { row, creds } = await numberWithCredentials(deps, workspaceId, id);
  await viaGraph(() => deps.graph.subscribeApp(row.waba_id, creds.accessToken));
  const apps = await viaGraph(() => deps.graph.listSubscribedApps(row.waba_id, creds.accessToken));
  const subscribed = apps.length > 0;
  const updated = subscribed ? await markWebhooksSubscribed(deps.db, workspaceId, id, deps.clock.now()) : row;
  if (!updated) throw notFound('Phone number');
  return {
    subscribed,
    apps: apps.map((a) => a.whatsapp_business_api_data?.name ?? a.whatsapp_business_api_data?.id ?? '?'),
    number: toPhoneNumberDto(updated),
  };
}

/** Reads quality rating, throughput and messaging tier from `GET /{pnid}` and stores them. */
export async function refreshNumberHealth(
  deps: NumberGraphDeps,
  workspaceId: string,
  id: string,
): Promise<PhoneNumberDto> {
  const { creds } = await numberWithCredentials(deps, workspaceId, id);
  const info = await viaGraph(() => deps.graph.getPhoneNumber(creds));
  const row = await writeNumberHealth(deps.db, workspaceId, id, healthFromPhoneInfo(info), deps.clock.now());
  if (!row) throw notFound('Phone number');
  return toPhoneNumberDto(row);
}

/**
 * Sends a test message through the normal send path (queued, paced, status webhooks): an approved template,
 * Meta's `hello_world` by default, since a first message to a number is outside any customer service window.
 */
export async function sendTestMessage(
  deps: NumberGraphDeps,
  principal: Principal,
  id: string,
  input: z.infer<typeof TestMessageInputSchema>,
): Promise<TestMessageResultDto> {
  const { row } = await numberWithCredentials(deps, principal.workspaceId, id);
  const { message } = await sendToNumber(deps, principal, {
    body: {
      phoneNumberId: row.id,
      to: input.to,
      type: 'template',
      template: { name: input.templateName, language: { code: input.languageCode } },
    },
    idempotencyKey: null,
  });
  return { messageId: message.id, conversationId: message.conversationId, status: message.status };
}
