import {
  MESSAGE_TYPES,
  MarkReadBodySchema,
  SendBodySchema,
  defaultTypeToText,
} from '../contracts/whatsapp/send.schemas.ts';
import type { MediaKind, MessageContent, MessageType } from '../contracts/whatsapp/send.schemas.ts';
import { GraphError, missingParameter, parseOrGraphError } from './errors.ts';
import { SimulatorEnvelopeSchema, SimulatorInteractiveSchema, TemplateShapeSchema } from './send.schemas.ts';
import type { TemplateSend } from './send.schemas.ts';

/** A syntactically valid message send, ready for policy checks. */
export interface ValidatedMessage {
  kind: 'message';
  type: MessageType;
  /** `to` as sent (echoed as `contacts[].input`). */
  input: string;
  /** `to` reduced to digits (the recipient's wa_id). */
  waId: string;
  body: Record<string, unknown>;
  /** For template sends: checked against the stored definition, then the contracts, by `validate-template.ts`. */
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

const isMessageType = (t: string): t is MessageType => MESSAGE_TYPES.some((m) => m === t);

/** Digits of a phone number as Meta normalises `to` (`+`, `-`, `(`, `)` and spaces are allowed). */
export function normalizePhone(to: string): string | undefined {
  const digits = to.replace(/[\s+\-()]/g, '');
  return /^\d{5,15}$/.test(digits) ? digits : undefined;
}

/**
 * Validates a `POST /{pnid}/messages` body (reference §1, §1.12) with the contracts' send schemas (read
 * differently only where `send.schemas.ts` says) and throws the Graph error Meta returns synchronously:
 * missing/invalid envelope fields 100, recipient == sender 131021, unsupported type 131051, field limits 100 /
 * 131009 with `details` naming the field. Template content is checked later against the stored definition
 * (`validate-template.ts`); asynchronous outcomes (window, media, reachability) are not decided here.
 */
export function validateSendRequest(raw: unknown, senderDigits: string): ValidatedMessage | ValidatedRead {
  if (!isRecord(raw)) throw new GraphError(100, 'The request body must be a JSON object.');
  if (raw.status !== undefined) {
    const read = parseOrGraphError(MarkReadBodySchema, raw);
    return { kind: 'read', messageId: read.message_id, typing: read.typing_indicator !== undefined };
  }
  const body = defaultTypeToText(raw);
  const env = parseOrGraphError(SimulatorEnvelopeSchema, body);
  const waId = normalizePhone(env.to);
  if (waId === undefined)
    throw new GraphError(100, `Param to must be a phone number in international format (got "${env.to}").`);
  if (waId === senderDigits)
    throw new GraphError(131021, 'Recipient phone number cannot be the same as the sender phone number.');
  const type = messageTypeOf(body);
  const msg: ValidatedMessage = { kind: 'message', type, input: env.to, waId, body: raw };
  if (env.biz_opaque_callback_data !== undefined) msg.bizOpaqueCallbackData = env.biz_opaque_callback_data;
  if (type === 'template') {
    msg.template = parseOrGraphError(TemplateShapeSchema, body.template, ['template']);
  } else if (type === 'interactive') {
    parseOrGraphError(SimulatorInteractiveSchema, body.interactive, ['interactive']);
  } else {
    const content = parseOrGraphError(SendBodySchema, body);
    if (content.type === 'reaction') msg.reactionTo = content.reaction.message_id;
    const media = mediaOf(content);
    if (media) msg.media = media;
  }
  return msg;
}

/** `type`, which must be a supported message type (else 131051) whose object is present. */
function messageTypeOf(body: Record<string, unknown>): MessageType {
  const { type } = body;
  if (type === undefined) throw missingParameter('type');
  if (typeof type !== 'string') throw new GraphError(100, 'Param type must be a string.');
  if (!isMessageType(type)) throw new GraphError(131051, `Message type ${type} is not supported.`);
  if (body[type] === undefined) throw missingParameter(type);
  return type;
}

/** The media a media send refers to, for the asynchronous checks (131053). */
function mediaOf(content: MessageContent): ValidatedMessage['media'] {
  const media = (kind: MediaKind, m: { id?: string | undefined; voice?: boolean | undefined }) => ({
    kind,
    voice: m.voice === true,
    ...(m.id === undefined ? {} : { id: m.id }),
  });
  switch (content.type) {
    case 'image':
      return media('image', content.image);
    case 'video':
      return media('video', content.video);
    case 'audio':
      return media('audio', content.audio);
    case 'document':
      return media('document', content.document);
    case 'sticker':
      return media('sticker', content.sticker);
    default:
      return undefined;
  }
}
