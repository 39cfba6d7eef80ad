import type { SimulatorCore } from './core.ts';
import { GraphError } from './errors.ts';
import { authorizeWaba, phoneNumberInfo } from './graph-api.ts';

/**
 * Graph API edges of a WhatsApp Business Account other than templates: `GET /{waba}/phone_numbers` (which
 * numbers the account holds — how Tsunagi checks that a number belongs to the WABA an admin typed) and
 * `GET/POST/DELETE /{waba}/subscribed_apps` (the app's webhook subscription, reference §3.8).
 */

/** The simulated Meta app every token belongs to (one app per simulator, as one Tsunagi is one app). */
export const SIMULATED_APP = { id: '1000000000000001', name: 'Tsunagi (simulated app)' } as const;

const cursor = (offset: number) => Buffer.from(String(offset)).toString('base64url');
const offsetOf = (c: string | undefined) =>
  c === undefined ? undefined : Number(Buffer.from(c, 'base64url').toString()) || 0;

/** `GET /{waba}/phone_numbers?fields=&limit=&after=`: the WABA's numbers, cursor-paged like Meta. */
export function listWabaPhoneNumbers(
  core: SimulatorCore,
  token: string | undefined,
  wabaId: string,
  q: { limit: number; after?: string | undefined; fields?: string | undefined },
  selfUrl: string,
): { data: Record<string, unknown>[]; paging: Record<string, unknown> } {
  authorizeWaba(core, token, wabaId, 'get');
  const all = core.numbers.ofWaba(wabaId).sort((a, b) => a.phoneNumberId.localeCompare(b.phoneNumberId));
  const start = (offsetOf(q.after) ?? -1) + 1;
  const slice = all.slice(start, start + q.limit);
  const end = start + slice.length - 1;
  const paging: Record<string, unknown> = { cursors: { before: cursor(start), after: cursor(end) } };
  if (end + 1 < all.length) paging.next = `${selfUrl}?limit=${q.limit}&after=${cursor(end)}`;
  return { data: slice.map((n) => phoneNumberInfo(n, q.fields)), paging };
}

/**
 * `POST /{waba}/subscribed_apps`: subscribes the app to the WABA's webhooks → `{success: true}`. The simulator
 * records the subscription (and shows it on GET) but delivers webhooks to its one webhook URL regardless;
 * callback overrides are not simulated (refused with 100 rather than silently ignored).
 */
export function subscribeApp(
  core: SimulatorCore,
  token: string | undefined,
  wabaId: string,
  body: unknown,
): { success: true } {
  authorizeWaba(core, token, wabaId, 'post');
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (b.override_callback_uri !== undefined)
    throw new GraphError(100, 'Param override_callback_uri is not supported by the simulator');
  core.subscribedWabas.add(wabaId);
  return { success: true };
}

/** `GET /{waba}/subscribed_apps` → `{data: [{whatsapp_business_api_data: {id, link, name}}]}` or `{data: []}`. */
export function listSubscribedApps(
  core: SimulatorCore,
  token: string | undefined,
  wabaId: string,
): { data: Array<{ whatsapp_business_api_data: { id: string; link: string; name: string } }> } {
  authorizeWaba(core, token, wabaId, 'get');
  if (!core.subscribedWabas.has(wabaId)) return { data: [] };
  const app = {
    id: SIMULATED_APP.id,
    link: `https://www.facebook.com/games/?app_id=${SIMULATED_APP.id}`,
    name: SIMULATED_APP.name,
  };
  return { data: [{ whatsapp_business_api_data: app }] };
}

/** `DELETE /{waba}/subscribed_apps` → `{success: true}`. */
export function unsubscribeApp(
  core: SimulatorCore,
  token: string | undefined,
  wabaId: string,
): { success: true } {
  authorizeWaba(core, token, wabaId, 'delete');
  core.subscribedWabas.delete(wabaId);
  return { success: true };
}
