import { z } from 'zod';

/**
 * Field limits of Cloud API sends (reference §1.12, plus the per-type pages it summarises). Counted in UTF-16
 * code units (`string.length`), which is what zod and most clients count; Meta does not document its unit.
 * Enforced in the send schemas so Tsunagi rejects a bad message with a 4xx naming the field instead of
 * queueing it and learning about it from a Graph `(#100)` error later.
 */
export const SEND_LIMITS = {
  textBody: 4096,
  mediaCaption: 1024,
  interactiveBody: 1024,
  listBody: 4096,
  headerText: 60,
  footerText: 60,
  replyButtonsMin: 1,
  replyButtonsMax: 3,
  replyButtonId: 256,
  replyButtonTitle: 20,
  listButton: 20,
  listSections: 10,
  listRowsTotal: 10,
  listSectionTitle: 24,
  listRowId: 200,
  listRowTitle: 24,
  listRowDescription: 72,
  ctaDisplayText: 20,
  productListSections: 10,
  productListItems: 30,
  productSectionTitle: 24,
  flowCta: 30,
  contactsPerMessage: 257,
  templateName: 512,
  /** Per body text parameter when the template has other components too (whatsapp-api-js mirrors Meta). */
  templateBodyParam: 1024,
  /** Per body text parameter when the body is the template's only component. */
  templateBodyParamBodyOnly: 32768,
  templateHeaderParam: 60,
  templateCouponCode: 15,
  bizOpaqueCallbackData: 512,
  recipient: 256,
  mediaLink: 2000,
} as const;

/**
 * `params` of a custom issue that Meta answers with 131009 ("Parameter value is not valid") rather than the
 * generic 100: count and uniqueness rules (unique reply ids, rows in total, titled sections…). The simulator turns
 * it into the Graph error code (array-size issues are 131009 there too); Tsunagi's REST API ignores it.
 */
export const COUNT_ISSUE = { graphCode: 131009 } as const;

/**
 * A string with a length limit whose error messages name the field and the limit, e.g.
 * `text.body must be at most 4096 characters`. `min` defaults to 1 (Meta rejects empty required strings).
 */
export function limitedText(label: string, max: number, min = 1) {
  return z
    .string({
      error: (iss) => (iss.input === undefined ? `${label} is required` : `${label} must be a string`),
    })
    .min(min, `${label} must not be empty`)
    .max(max, `${label} must be at most ${max} characters`);
}

/** A required, non-empty string with no documented length limit. */
export function requiredText(label: string) {
  return z
    .string({
      error: (iss) => (iss.input === undefined ? `${label} is required` : `${label} must be a string`),
    })
    .min(1, `${label} must not be empty`);
}

/** A required, non-empty identifier string (wamids, media ids, catalog ids, SKUs). */
export function idString(label: string, max = 512) {
  return limitedText(label, max);
}

/** An http(s) URL Meta fetches (media `link`, CTA url). Plain http is allowed for local simulators. */
export function httpUrl(label: string) {
  return z
    .url({ protocol: /^https?$/, error: `${label} must be an http(s) URL` })
    .max(SEND_LIMITS.mediaLink, `${label} must be at most ${SEND_LIMITS.mediaLink} characters`);
}

/** Rejects a key that is not valid for this object (e.g. `caption` on audio) with a message saying why. */
export function forbidden(message: string) {
  return z.never({ error: message }).optional();
}

/** The media message types (reference §1.3). */
export type MediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

function exactlyOneOfIdOrLink(value: { id?: string | undefined; link?: string | undefined }): boolean {
  return (value.id === undefined) !== (value.link === undefined);
}

/**
 * A media object (`image`, `video`, `audio`, `document`, `sticker`; reference §1.3): exactly one of `id`
 * (uploaded media id, recommended) or `link`; `caption` (≤1024) only on image/video/document; `filename`
 * only on document; `voice` (voice note, OGG/OPUS) only on audio.
 */
export function mediaObject(kind: MediaKind) {
  const captionAllowed = kind === 'image' || kind === 'video' || kind === 'document';
  return z
    .object({
      id: idString(`${kind}.id`).optional(),
      link: httpUrl(`${kind}.link`).optional(),
      caption: captionAllowed
        ? limitedText(`${kind}.caption`, SEND_LIMITS.mediaCaption, 0).optional()
        : forbidden(`${kind}.caption is not allowed (captions exist only on image, video and document)`),
      filename:
        kind === 'document'
          ? requiredText('document.filename').optional()
          : forbidden(`${kind}.filename is not allowed (only documents have a filename)`),
      voice:
        kind === 'audio'
          ? z.boolean({ error: 'audio.voice must be a boolean' }).optional()
          : forbidden(`${kind}.voice is not allowed (only audio can be a voice note)`),
    })
    .refine(exactlyOneOfIdOrLink, { message: `${kind} needs exactly one of id or link` });
}

/** Latitude/longitude: Meta shows numbers on receive and strings on send and accepts both. */
export function coordinate(label: string, limit: 90 | 180) {
  const message = `${label} must be a number or a numeric string`;
  return z
    .union([z.number(message), z.string().regex(/^\s*-?\d+(\.\d+)?\s*$/, message)], { error: message })
    .refine((v) => !(Math.abs(Number(v)) > limit), `${label} must be between -${limit} and ${limit}`);
}

/** Lower-cases the `type` key of an object before validation (some clients send `"BUTTON"`, `"LIST"`). */
export function lowerCaseType(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' ? { ...value, type: type.toLowerCase() } : value;
}
