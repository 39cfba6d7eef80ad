import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { GraphError } from './errors.ts';
import type { SimIds } from './sim-ids.ts';
import type { MediaKind } from '../contracts/whatsapp/send.schemas.ts';

/** MIME types the upload endpoint accepts (reference §4.1, §4.3: note it also takes audio/opus and webp). */
export const UPLOAD_MIME_TYPES = [
  'audio/aac',
  'audio/mp4',
  'audio/mpeg',
  'audio/amr',
  'audio/ogg',
  'audio/opus',
  'application/vnd.ms-powerpoint',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/pdf',
  'text/plain',
  'application/vnd.ms-excel',
  'image/jpeg',
  'image/png',
  'image/webp',
  'video/mp4',
  'video/3gpp',
] as const;

/** Which MIME types each send type can deliver; anything else fails asynchronously with 131053 (§1.3). */
const SENDABLE: Record<MediaKind, readonly string[]> = {
  image: ['image/jpeg', 'image/png'],
  video: ['video/mp4', 'video/3gpp'],
  audio: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'],
  document: UPLOAD_MIME_TYPES.filter((t) => t.startsWith('application/') || t === 'text/plain'),
  sticker: ['image/webp'],
};

/** A stored media object (uploaded by the business or attached to an inbound message). */
export interface MediaObject {
  id: string;
  phoneNumberId: string;
  mimeType: string;
  sha256: string;
  bytes: Buffer;
  filename?: string;
}

/** How long a media URL stays valid (Meta: 5 minutes). */
const URL_TTL_MS = 5 * 60 * 1000;
const baseMime = (m: string) => (m.split(';')[0] ?? '').trim().toLowerCase();

/**
 * Media storage for the Graph media API: upload → id, id → short-lived signed URL, download with bearer,
 * delete. URLs imitate Meta's lookaside URLs (`/whatsapp_business/attachments/?mid=…&ext=…&hash=…`) and expire.
 */
export class MediaStore {
  private readonly objects = new Map<string, MediaObject>();
  private readonly urlKey = randomBytes(32);

  constructor(private readonly ids: SimIds) {}

  /** Stores bytes; throws the synchronous 100 Meta returns for MIME types it never accepts. */
  put(phoneNumberId: string, bytes: Buffer, mimeType: string, filename?: string): MediaObject {
    const mime = baseMime(mimeType);
    if (!(UPLOAD_MIME_TYPES as readonly string[]).includes(mime)) {
      throw new GraphError(
        100,
        `Param file must be a file with one of the following types: ${UPLOAD_MIME_TYPES.join(', ')}. Received file of type '${mimeType}'.`,
        {
          message: `(#100) Param file must be a file with one of the following types: ${UPLOAD_MIME_TYPES.join(', ')}. Received file of type '${mimeType}'.`,
        },
      );
    }
    return this.putUnchecked(phoneNumberId, bytes, mimeType, filename);
  }

  /** Stores bytes without the upload MIME check (inbound media from customers can be anything). */
  putUnchecked(phoneNumberId: string, bytes: Buffer, mimeType: string, filename?: string): MediaObject {
    const obj: MediaObject = {
      id: this.ids.numeric(),
      phoneNumberId,
      mimeType,
      sha256: createHash('sha256').update(bytes).digest('base64'),
      bytes,
      ...(filename === undefined ? {} : { filename }),
    };
    this.objects.set(obj.id, obj);
    return obj;
  }

  get(id: string): MediaObject | undefined {
    return this.objects.get(id);
  }

  delete(id: string): boolean {
    return this.objects.delete(id);
  }

  clear(): void {
    this.objects.clear();
  }

  private sign(id: string, expires: number): string {
    return createHmac('sha256', this.urlKey).update(`${id}:${expires}`).digest('base64url');
  }

  /** A download URL under `base` valid for 5 minutes from `nowMs`. */
  url(base: string, id: string, nowMs: number): string {
    const ext = Math.floor((nowMs + URL_TTL_MS) / 1000);
    return `${base}/whatsapp_business/attachments/?mid=${id}&ext=${ext}&hash=${this.sign(id, ext)}`;
  }

  /** The object a download URL points to, or undefined when unknown, deleted, tampered with or expired. */
  resolveUrl(mid: string, ext: string, hash: string, nowMs: number): MediaObject | undefined {
    const expires = Number(ext);
    if (!Number.isFinite(expires) || expires * 1000 < nowMs) return undefined;
    const want = Buffer.from(this.sign(mid, expires));
    const got = Buffer.from(hash);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return undefined;
    return this.objects.get(mid);
  }

  /**
   * Why sending media `id` as `kind` from `phoneNumberId` would fail at delivery (131053 details), or undefined
   * when it is fine. Link media is never fetched, so only ids are checked.
   */
  sendProblem(phoneNumberId: string, kind: MediaKind, id: string, voice: boolean): string | undefined {
    const obj = this.objects.get(id);
    if (!obj || obj.phoneNumberId !== phoneNumberId)
      return `Media id ${id} was not found for this phone number.`;
    const mime = baseMime(obj.mimeType);
    const allowed = SENDABLE[kind];
    const label = kind.charAt(0).toUpperCase() + kind.slice(1);
    if (!allowed.includes(mime))
      return `Unsupported ${label} mime type ${mime}. Please use one of ${allowed.join(', ')}.`;
    if (voice && mime !== 'audio/ogg')
      return `Unsupported Voice mime type ${obj.mimeType}. Please use audio/ogg with the OPUS codec.`;
    return undefined;
  }
}
