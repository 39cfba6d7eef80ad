import type { SimulatorCore } from './core.ts';
import { GraphError, invalidTokenError, parseOrGraphError, unknownObjectError } from './errors.ts';
import type { MediaObject } from './media.ts';
import type { BusinessNumber } from './state.ts';
import { templateCreateSchema, templateEditSchema } from './templates.schemas.ts';
import type { TemplatePage, TemplateQuery } from './templates.ts';

/**
 * The Graph API operations other than sending (media, templates, object lookups), with Meta's authorisation
 * rules: a missing or unknown bearer token is 190 / HTTP 401; an object the token can't see is 100/33.
 */

/** The token of an `Authorization: Bearer …` header. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

function requireKnownToken(core: SimulatorCore, token: string | undefined): string {
  if (token === undefined) throw invalidTokenError(true);
  if (!core.numbers.isKnownToken(token)) throw invalidTokenError(false);
  return token;
}

/** The number `pnid` if `token` may act on it. */
export function authorizeNumber(
  core: SimulatorCore,
  token: string | undefined,
  pnid: string,
  method: 'get' | 'post' | 'delete',
): BusinessNumber {
  const t = requireKnownToken(core, token);
  const num = core.numbers.get(pnid);
  if (!num || !core.numbers.tokenCoversWaba(t, num.wabaId)) throw unknownObjectError(method, pnid);
  return num;
}

/** Throws unless `token` may act on WABA `wabaId` (190 for an unknown token, 100/33 for another business). */
export function authorizeWaba(
  core: SimulatorCore,
  token: string | undefined,
  wabaId: string,
  method: 'get' | 'post' | 'delete',
): void {
  const t = requireKnownToken(core, token);
  if (!core.numbers.tokenCoversWaba(t, wabaId)) throw unknownObjectError(method, wabaId);
}

function authorizeMedia(
  core: SimulatorCore,
  token: string | undefined,
  id: string,
  method: 'get' | 'delete',
  pnidFilter?: string,
): MediaObject {
  const t = requireKnownToken(core, token);
  const obj = core.media.get(id);
  const owner = obj && core.numbers.get(obj.phoneNumberId);
  if (
    !obj ||
    !owner ||
    !core.numbers.tokenCoversWaba(t, owner.wabaId) ||
    (pnidFilter !== undefined && pnidFilter !== obj.phoneNumberId)
  ) {
    throw unknownObjectError(method, id);
  }
  return obj;
}

/** `GET /{id}`: media metadata with a fresh 5-minute URL, or phone number fields. */
export function getObject(
  core: SimulatorCore,
  token: string | undefined,
  id: string,
  baseUrl: string,
  query: { phone_number_id?: string; fields?: string },
): Record<string, unknown> {
  if (core.numbers.get(id)) return phoneNumberInfo(authorizeNumber(core, token, id, 'get'), query.fields);
  const obj = authorizeMedia(core, token, id, 'get', query.phone_number_id);
  return {
    messaging_product: 'whatsapp',
    url: core.media.url(baseUrl, obj.id, core.clock.nowMs()),
    mime_type: obj.mimeType,
    sha256: obj.sha256,
    file_size: obj.bytes.length,
    id: obj.id,
  };
}

/** The fields of `GET /{pnid}` (all of them, or `id` plus those asked for in `fields`). */
export function phoneNumberInfo(num: BusinessNumber, fields: string | undefined): Record<string, unknown> {
  const info: Record<string, unknown> = {
    verified_name: `Simulated ${num.displayPhoneNumber}`,
    display_phone_number: num.displayPhoneNumber,
    quality_rating: num.qualityRating ?? 'GREEN',
    status: 'CONNECTED',
    code_verification_status: 'VERIFIED',
    throughput: { level: num.mps > 80 ? 'HIGH' : 'STANDARD' },
    whatsapp_business_manager_messaging_limit:
      num.messagingTier ??
      (num.messagingLimit === undefined ? 'TIER_UNLIMITED' : `TIER_${num.messagingLimit}`),
    id: num.phoneNumberId,
  };
  if (fields === undefined) return info;
  const wanted = fields.split(',').map((f) => f.trim());
  return Object.fromEntries(Object.entries(info).filter(([k]) => k === 'id' || wanted.includes(k)));
}

/** `DELETE /{media-id}`. */
export function deleteMedia(
  core: SimulatorCore,
  token: string | undefined,
  id: string,
  pnidFilter?: string,
): { success: true } {
  authorizeMedia(core, token, id, 'delete', pnidFilter);
  core.media.delete(id);
  return { success: true };
}

/** Download through a signed media URL: 401 without a valid bearer, 404 when unknown, deleted or expired. */
export function downloadMedia(
  core: SimulatorCore,
  token: string | undefined,
  q: { mid?: string; ext?: string; hash?: string },
): MediaObject {
  const t = requireKnownToken(core, token);
  const obj = core.media.resolveUrl(q.mid ?? '', q.ext ?? '', q.hash ?? '', core.clock.nowMs());
  const owner = obj && core.numbers.get(obj.phoneNumberId);
  if (!obj || !owner || !core.numbers.tokenCoversWaba(t, owner.wabaId)) {
    throw new GraphError(
      100,
      'The media URL is unknown, expired or the media was deleted; request a new URL.',
      {
        httpStatus: 404,
      },
    );
  }
  return obj;
}

/** `GET /{waba}/message_templates`. */
export function listTemplates(
  core: SimulatorCore,
  token: string | undefined,
  wabaId: string,
  q: TemplateQuery,
  selfUrl: string,
): TemplatePage {
  authorizeWaba(core, token, wabaId, 'get');
  return core.templates.page(wabaId, q, selfUrl);
}

/** `POST /{waba}/message_templates` → `{ id, status, category }`. */
export function createTemplate(
  core: SimulatorCore,
  token: string | undefined,
  wabaId: string,
  body: unknown,
): { id: string; status: string; category: string } {
  authorizeWaba(core, token, wabaId, 'post');
  const parsed = parseOrGraphError(templateCreateSchema, body);
  const def = core.templates.create(wabaId, parsed, core.opts.templateReviewStatus ?? 'PENDING');
  if (def.status === 'PENDING') core.reviewer.submit(wabaId, def);
  return { id: def.id, status: def.status, category: def.category };
}

/** `POST /{template-id}` (edit: `components` and/or `category`) → `{ success: true }`; review follows. */
export function editTemplate(
  core: SimulatorCore,
  token: string | undefined,
  templateId: string,
  body: unknown,
): { success: true } {
  const found = core.templates.findById(templateId);
  if (!found) {
    requireKnownToken(core, token);
    throw unknownObjectError('post', templateId);
  }
  authorizeWaba(core, token, found.wabaId, 'post');
  const parsed = parseOrGraphError(templateEditSchema, body);
  const def = core.templates.edit(templateId, parsed);
  core.reviewer.submit(found.wabaId, def);
  return { success: true };
}

/** `DELETE /{waba}/message_templates?name=…[&hsm_id=…]`. */
export function deleteTemplate(
  core: SimulatorCore,
  token: string | undefined,
  wabaId: string,
  q: { name?: string; hsm_id?: string },
): { success: true } {
  authorizeWaba(core, token, wabaId, 'delete');
  if (q.name === undefined) throw new GraphError(100, 'The parameter name is required.');
  for (const t of core.templates.page(wabaId, { name: q.name, limit: 10_000 }, '').data)
    if (t.name === q.name && (q.hsm_id === undefined || t.id === q.hsm_id))
      core.reviewer.cancel(String(t.id));
  if (core.templates.delete(wabaId, q.name, q.hsm_id) === 0) {
    throw new GraphError(100, `Template ${q.name} does not exist`, { subcode: 2593002 });
  }
  return { success: true };
}
