import {
  BusinessProfileResponseSchema,
  GraphSuccessResponseSchema,
  MediaInfoResponseSchema,
  MediaUploadResponseSchema,
  PhoneNumberResponseSchema,
  SendMessageResponseSchema,
  SubscribedAppsResponseSchema,
  TemplateCreateResponseSchema,
  TemplatesPageResponseSchema,
  WabaPhoneNumbersPageResponseSchema,
} from '../../contracts/whatsapp/graph-response.schemas.ts';
import type {
  BusinessProfileResponse,
  GraphTemplate,
  PhoneNumberResponse,
  SubscribedApp,
} from '../../contracts/whatsapp/graph-response.schemas.ts';
import type { MarkReadBody, SendBody } from '../../contracts/whatsapp/send.schemas.ts';
import { systemClock } from '../../lib/clock.ts';
import type { Clock } from '../../lib/clock.ts';
import { GraphRequestError } from './graph-api-error.ts';
import type { GraphApiError } from './graph-api-error.ts';
import { graphJson, graphRequest } from './graph-http.ts';
import type { GraphHttpRequest, GraphTransport } from './graph-http.ts';

export { GraphRequestError } from './graph-api-error.ts';
export type { GraphApiError } from './graph-api-error.ts';

/** Which business number to act as, and its token. */
export interface PhoneNumberCredentials {
  phoneNumberId: string;
  accessToken: string;
}

/** Outcome of a send: accepted (not delivered — delivery comes by status webhook) or a classified error. */
export type SendResult =
  | { ok: true; wamid: string; waId: string | null; messageStatus: string | null }
  | { ok: false; error: GraphApiError };

/** Media metadata from `GET /{media-id}`; `url` expires after 5 minutes and needs the bearer token. */
export interface MediaInfo {
  id: string;
  url: string;
  mimeType: string;
  sha256: string;
  /** Bytes. */
  fileSize: number;
}

/** Options of {@link createGraphClient}. */
export interface GraphClientOptions {
  /** e.g. `https://graph.facebook.com` or the simulator's URL; a trailing slash is ignored. */
  baseUrl: string;
  /** Graph version path segment, e.g. `v23.0`; empty means Meta's default version. */
  version: string;
  fetch?: typeof fetch;
  /** Per-request budget in ms (default 20,000). */
  timeoutMs?: number;
  /** Drives the timeout (default: the system clock). */
  clock?: Clock;
  /** Largest media download accepted, in bytes (default 100 MB + 1 MB, above Meta's inbound limit). */
  maxMediaBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 20_000;
const DEFAULT_MAX_MEDIA_BYTES = 101 * 1024 * 1024;
/** Fields asked for by {@link GraphClient.getPhoneNumber} (all exist from v16.0 on). */
const PHONE_FIELDS =
  'id,display_phone_number,verified_name,quality_rating,status,name_status,code_verification_status,throughput,' +
  'whatsapp_business_manager_messaging_limit';
const TEMPLATE_FIELDS =
  'id,name,status,category,sub_category,language,parameter_format,components,quality_score,rejected_reason';

/**
 * A Cloud API client (reference §1, §4, §5.1, §7.1). One instance serves every phone number; credentials
 * are passed per call. Sends never throw (they return a {@link SendResult}); every other method throws a
 * {@link GraphRequestError} carrying a classified {@link GraphApiError}.
 */
export function createGraphClient(options: GraphClientOptions) {
  const transport: GraphTransport = {
    fetch: options.fetch ?? globalThis.fetch,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    clock: options.clock ?? systemClock,
  };
  const root =
    options.baseUrl.replace(/\/+$/, '') + (options.version ? `/${encodeURIComponent(options.version)}` : '');
  const url = (segments: string[], query: Record<string, string | number | undefined> = {}): string => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, String(v));
    const qs = q.toString();
    return `${root}/${segments.map(encodeURIComponent).join('/')}${qs ? `?${qs}` : ''}`;
  };
  const orThrow = async <T>(
    p: Promise<{ ok: true; data: T } | { ok: false; error: GraphApiError }>,
  ): Promise<T> => {
    const res = await p;
    if (!res.ok) throw new GraphRequestError(res.error);
    return res.data;
  };
  const call = <S extends Parameters<typeof graphJson>[2]>(req: GraphHttpRequest, schema: S) =>
    orThrow(graphJson(transport, req, schema));

  return {
    /** Sends a message (`POST /{pnid}/messages`). A body Meta may have accepted without us learning the
     * wamid (timeout, reset, gateway 5xx, garbled 200) comes back with `error.ambiguous: true`. */
    async sendMessage(pn: PhoneNumberCredentials, body: SendBody): Promise<SendResult> {
      const req = {
        method: 'POST',
        url: url([pn.phoneNumberId, 'messages']),
        token: pn.accessToken,
        json: body,
      } as const;
      const res = await graphJson(transport, req, SendMessageResponseSchema, true);
      if (!res.ok) return res;
      const [message] = res.data.messages;
      const waId = res.data.contacts?.[0]?.wa_id;
      return {
        ok: true,
        wamid: message?.id ?? '',
        waId: waId ? waId : null,
        messageStatus: message?.message_status ?? null,
      };
    },

    /** Marks an inbound message (and earlier ones) read; `typing` also shows a typing indicator (≤25 s). */
    async markRead(
      pn: PhoneNumberCredentials,
      wamid: string,
      opts: { typing?: boolean } = {},
    ): Promise<void> {
      const json: MarkReadBody = { messaging_product: 'whatsapp', status: 'read', message_id: wamid };
      if (opts.typing) json.typing_indicator = { type: 'text' };
      await call(
        { method: 'POST', url: url([pn.phoneNumberId, 'messages']), token: pn.accessToken, json },
        GraphSuccessResponseSchema,
      );
    },

    /** Uploads media (multipart, `POST /{pnid}/media`); the id is valid for 30 days. */
    async uploadMedia(
      pn: PhoneNumberCredentials,
      file: { bytes: Uint8Array; mimeType: string; filename: string },
    ): Promise<{ id: string }> {
      const form = new FormData();
      form.set('messaging_product', 'whatsapp');
      form.set('type', file.mimeType);
      form.set('file', new Blob([file.bytes], { type: file.mimeType }), file.filename);
      const data = await call(
        { method: 'POST', url: url([pn.phoneNumberId, 'media']), token: pn.accessToken, form },
        MediaUploadResponseSchema,
      );
      return { id: data.id };
    },

    /** Media metadata and a fresh download URL (`GET /{media-id}`, optionally scoped to a phone number). */
    async getMedia(
      mediaId: string,
      token: string,
      opts: { phoneNumberId?: string } = {},
    ): Promise<MediaInfo> {
      const data = await call(
        { method: 'GET', url: url([mediaId], { phone_number_id: opts.phoneNumberId }), token },
        MediaInfoResponseSchema,
      );
      return {
        id: data.id,
        url: data.url,
        mimeType: data.mime_type,
        sha256: data.sha256,
        fileSize: Number(data.file_size),
      };
    },

    /** Downloads media bytes from a URL returned by {@link getMedia} (bearer token required). */
    async downloadMedia(mediaUrl: string, token: string): Promise<{ bytes: Buffer; mimeType: string }> {
      const maxBytes = options.maxMediaBytes ?? DEFAULT_MAX_MEDIA_BYTES;
      const res = await graphRequest(transport, { method: 'GET', url: mediaUrl, token, maxBytes });
      if (!res.ok) throw new GraphRequestError(res.error);
      const mimeType = res.headers.get('content-type')?.split(';')[0]?.trim() || 'application/octet-stream';
      return { bytes: res.bytes, mimeType };
    },

    /** Deletes uploaded media (`DELETE /{media-id}`). */
    async deleteMedia(mediaId: string, token: string, opts: { phoneNumberId?: string } = {}): Promise<void> {
      await call(
        { method: 'DELETE', url: url([mediaId], { phone_number_id: opts.phoneNumberId }), token },
        GraphSuccessResponseSchema,
      );
    },

    /** Submits a template for review (`POST /{waba}/message_templates`, §5.1): `{ id, status, category }`. */
    async createTemplate(
      wabaId: string,
      token: string,
      body: Record<string, unknown>,
    ): Promise<{ id: string; status: string; category: string | null }> {
      const data = await call(
        { method: 'POST', url: url([wabaId, 'message_templates']), token, json: body },
        TemplateCreateResponseSchema,
      );
      return { id: data.id, status: data.status, category: data.category ?? null };
    },

    /** Edits a template (`POST /{template-id}` with `components` and/or `category`); review follows. */
    async editTemplate(templateId: string, token: string, body: Record<string, unknown>): Promise<void> {
      await call({ method: 'POST', url: url([templateId]), token, json: body }, GraphSuccessResponseSchema);
    },

    /** Deletes every language of a template name, or only the translation `hsmId` (`DELETE /{waba}/message_templates`). */
    async deleteTemplate(wabaId: string, token: string, q: { name: string; hsmId?: string }): Promise<void> {
      await call(
        {
          method: 'DELETE',
          url: url([wabaId, 'message_templates'], { name: q.name, hsm_id: q.hsmId }),
          token,
        },
        GraphSuccessResponseSchema,
      );
    },

    /** One page of a WABA's templates; `nextCursor` is null on the last page. */
    async listTemplates(
      wabaId: string,
      token: string,
      page: { limit?: number; after?: string; status?: string } = {},
    ): Promise<{ templates: GraphTemplate[]; nextCursor: string | null }> {
      const query = { fields: TEMPLATE_FIELDS, limit: page.limit, after: page.after, status: page.status };
      const data = await call(
        { method: 'GET', url: url([wabaId, 'message_templates'], query), token },
        TemplatesPageResponseSchema,
      );
      const after = data.paging?.cursors?.after;
      return { templates: data.data, nextCursor: data.paging?.next !== undefined && after ? after : null };
    },

    /** The phone number's profile and status (`GET /{pnid}?fields=…`): the "test connection" call. */
    async getPhoneNumber(pn: PhoneNumberCredentials): Promise<PhoneNumberResponse> {
      return call(
        { method: 'GET', url: url([pn.phoneNumberId], { fields: PHONE_FIELDS }), token: pn.accessToken },
        PhoneNumberResponseSchema,
      );
    },

    /**
     * The ids of every phone number of a WABA (`GET /{waba}/phone_numbers?fields=id`, all pages, at most 20):
     * how registration checks that a number belongs to the WABA it is registered under.
     */
    async listWabaPhoneNumberIds(wabaId: string, token: string): Promise<string[]> {
      const ids: string[] = [];
      let after: string | undefined;
      for (let page = 0; page < 20; page++) {
        const data = await call(
          { method: 'GET', url: url([wabaId, 'phone_numbers'], { fields: 'id', limit: 100, after }), token },
          WabaPhoneNumbersPageResponseSchema,
        );
        ids.push(...data.data.map((n) => n.id));
        after = data.paging?.cursors?.after;
        if (data.paging?.next === undefined || !after) break;
      }
      return ids;
    },

    /** Subscribes this app to a WABA's webhooks (`POST /{waba}/subscribed_apps`). */
    async subscribeApp(wabaId: string, token: string): Promise<void> {
      await call(
        { method: 'POST', url: url([wabaId, 'subscribed_apps']), token },
        GraphSuccessResponseSchema,
      );
    },

    /** The apps subscribed to a WABA's webhooks (`GET /{waba}/subscribed_apps`). */
    async listSubscribedApps(wabaId: string, token: string): Promise<SubscribedApp[]> {
      const data = await call(
        { method: 'GET', url: url([wabaId, 'subscribed_apps']), token },
        SubscribedAppsResponseSchema,
      );
      return data.data;
    },

    /** The business profile customers see (`GET /{pnid}/whatsapp_business_profile`). */
    async getBusinessProfile(pn: PhoneNumberCredentials): Promise<BusinessProfileResponse> {
      const fields = 'about,address,description,email,profile_picture_url,websites,vertical';
      const data = await call(
        {
          method: 'GET',
          url: url([pn.phoneNumberId, 'whatsapp_business_profile'], { fields }),
          token: pn.accessToken,
        },
        BusinessProfileResponseSchema,
      );
      return data.data[0] ?? {};
    },

    /** Changes business profile fields (`POST /{pnid}/whatsapp_business_profile`); others are kept. */
    async updateBusinessProfile(pn: PhoneNumberCredentials, fields: Record<string, unknown>): Promise<void> {
      await call(
        {
          method: 'POST',
          url: url([pn.phoneNumberId, 'whatsapp_business_profile']),
          token: pn.accessToken,
          json: { messaging_product: 'whatsapp', ...fields },
        },
        GraphSuccessResponseSchema,
      );
    },
  };
}

/** The Cloud API client. */
export type GraphClient = ReturnType<typeof createGraphClient>;
