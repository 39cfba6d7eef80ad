import type { z } from 'zod';
import { GraphError } from './errors.ts';
import { INTERACTIVE_TYPES, interactiveSchemas } from './interactive.schemas.ts';
import {
  audioSchema,
  contactsSchema,
  documentSchema,
  envelopeSchema,
  imageSchema,
  locationSchema,
  markReadSchema,
  reactionSchema,
  stickerSchema,
  templateSchema,
  textSchema,
  videoSchema,
} from './send.schemas.ts';
import type { TemplateSend } from './send.schemas.ts';

/** Message types the send endpoint accepts (reference §1.1). */
export const MESSAGE_TYPES = [
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'template',
  'reaction',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;
export type MediaKind = (typeof MEDIA_TYPES)[number];

const objectSchemas: Record<Exclude<MessageType, 'interactive'>, z.ZodType> = {
  text: textSchema,
  image: imageSchema,
  video: videoSchema,
  audio: audioSchema,
  document: documentSchema,
  sticker: stickerSchema,
  location: locationSchema,
  contacts: contactsSchema,
  template: templateSchema,
  reaction: reactionSchema,
};

/** A syntactically valid message send, ready for policy checks. */
export interface ValidatedMessage {
  kind: 'message';
  type: MessageType;
  /** `to` as sent (echoed as `contacts[].input`). */
  input: string;
  /** `to` reduced to digits (the recipient's wa_id). */
  waId: string;
  body: Record<string, unknown>;
  template?: TemplateSend;
  /** Present for media sends: what has to be checked asynchronously (131053). */
  media?: { kind: MediaKind; id?: string; voice: boolean };
  /** For reactions: the wamid reacted to. */
  reactionTo?: string;
  bizOpaqueCallbackData?: string;
}

/** Mark-as-read / typing indicator request. */
export interface ValidatedRead {
  kind: 'read';
  messageId: string;
  typing: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** `interactive.action.buttons[0].reply.title` from a zod path. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)),
    '',
  );
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (Array.isArray(v) && typeof k === 'number') v = v[k];
    else if (isRecord(v) && typeof k === 'string') v = v[k];
    else return undefined;
  }
  return v;
}

/** Turns the first zod issue into the Graph error Meta would return, naming the field in `details`. */
export function issueToGraphError(
  issue: z.core.$ZodIssue,
  root: unknown,
  prefix: PropertyKey[] = [],
): GraphError {
  const path = [...prefix, ...issue.path];
  const field = fieldPath(path);
  switch (issue.code) {
    case 'invalid_type':
      if (valueAt(root, issue.path) === undefined) {
        return new GraphError(100, `The parameter ${field} is required.`, {
          message: `(#100) The parameter ${field} is required.`,
        });
      }
      return new GraphError(100, `Param ${field} must be a ${issue.expected}.`);
    case 'too_big':
    case 'too_small': {
      const bound =
        issue.code === 'too_big' ? `at most ${String(issue.maximum)}` : `at least ${String(issue.minimum)}`;
      if (issue.origin === 'array') return new GraphError(131009, `Param ${field} must have ${bound} items.`);
      if (issue.origin === 'string')
        return new GraphError(100, `Param ${field} must be ${bound} characters long.`);
      return new GraphError(100, `Param ${field} must be ${bound}.`);
    }
    case 'invalid_value':
      return new GraphError(100, `Param ${field} must be one of {${issue.values.map(String).join(', ')}}.`);
    case 'custom': {
      const code = typeof issue.params?.graphCode === 'number' ? issue.params.graphCode : 100;
      return new GraphError(code, `Param ${field} ${issue.message}`.trim());
    }
    default:
      return new GraphError(100, `Param ${field} is invalid: ${issue.message}`);
  }
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, prefix: PropertyKey[]): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw issue
    ? issueToGraphError(issue, value, prefix)
    : new GraphError(100, `Param ${fieldPath(prefix)} is invalid`);
}

/** Digits of a phone number as Meta normalises `to` (`+`, `-`, `(`, `)` and spaces are allowed). */
export function normalizePhone(to: string): string | undefined {
  const digits = to.replace(/[\s+\-()]/g, '');
  return /^\d{5,15}$/.test(digits) ? digits : undefined;
}

/**
 * Validates a `POST /{pnid}/messages` body (reference §1, §1.12) and throws the Graph error Meta returns
 * synchronously: missing/invalid envelope fields 100, unsupported type 131051, recipient == sender 131021,
 * field limits 100 / 131009 with `details` naming the field. Template content is checked later against the
 * stored definition (`validate-template.ts`); asynchronous outcomes (window, media, reachability) are not
 * decided here.
 */
export function validateSendRequest(raw: unknown, senderDigits: string): ValidatedMessage | ValidatedRead {
  if (!isRecord(raw)) throw new GraphError(100, 'The request body must be a JSON object.');
  if (raw.status !== undefined) {
    const read = parseWith(markReadSchema, raw, []);
    return { kind: 'read', messageId: read.message_id, typing: read.typing_indicator !== undefined };
  }
  // Meta defaults `type` to text (its own "preview URL" example omits it).
  const withType = raw.type === undefined && raw.text !== undefined ? { ...raw, type: 'text' } : raw;
  const env = parseWith(envelopeSchema, withType, []);
  const waId = normalizePhone(env.to);
  if (waId === undefined)
    throw new GraphError(100, `Param to must be a phone number in international format (got "${env.to}").`);
  if (waId === senderDigits)
    throw new GraphError(131021, 'Recipient phone number cannot be the same as the sender phone number.');
  const type = env.type as MessageType;
  if (!MESSAGE_TYPES.includes(type))
    throw new GraphError(131051, `Message type ${env.type} is not supported.`);
  const object = withType[type];
  if (object === undefined)
    throw new GraphError(100, `The parameter ${type} is required.`, {
      message: `(#100) The parameter ${type} is required.`,
    });

  const msg: ValidatedMessage = { kind: 'message', type, input: env.to, waId, body: raw };
  if (env.biz_opaque_callback_data !== undefined) msg.bizOpaqueCallbackData = env.biz_opaque_callback_data;
  if (type === 'interactive') {
    validateInteractive(object);
    return msg;
  }
  const parsed = parseWith(objectSchemas[type], object, [type]);
  if (type === 'template') msg.template = parsed as TemplateSend;
  if (type === 'reaction') {
    if (env.context) throw new GraphError(131009, 'Param context is not allowed for reaction messages.');
    msg.reactionTo = (parsed as { message_id: string }).message_id;
  }
  if ((MEDIA_TYPES as readonly string[]).includes(type)) {
    const m = parsed as { id?: string; voice?: boolean };
    msg.media = {
      kind: type as MediaKind,
      voice: m.voice === true,
      ...(m.id === undefined ? {} : { id: m.id }),
    };
  }
  return msg;
}

function validateInteractive(object: unknown): void {
  if (!isRecord(object)) throw new GraphError(100, 'Param interactive must be an object.');
  const t = typeof object.type === 'string' ? object.type.toLowerCase() : undefined;
  if (t === undefined) throw new GraphError(100, 'The parameter interactive.type is required.');
  const schema = interactiveSchemas[t];
  if (!schema)
    throw new GraphError(100, `Param interactive.type must be one of {${INTERACTIVE_TYPES.join(', ')}}.`);
  parseWith(schema, object, ['interactive']);
}
