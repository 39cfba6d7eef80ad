import type { z } from 'zod';
import type { inboundBodySchema } from './control.schemas.ts';
import type { SimulatorCore } from './core.ts';
import { webhookError } from './errors.ts';
import { toConversationMessage } from './feed.ts';
import { digitsOf } from './state.ts';

/** A control-API problem; rendered as `{ error: { code, message } }` with 400, 401, 404 or 409. */
export class ControlError extends Error {
  constructor(
    readonly code: 'invalid_request' | 'unauthorized' | 'not_found' | 'conflict',
    message: string,
  ) {
    super(message);
  }
}

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);

/**
 * A customer sends a message to a business number (reference §3.5). Assigns wamid and timestamp, stores media
 * bytes so the business can download them, opens or refreshes the 24 h window (system messages don't), records
 * the conversation and queues the webhook with `contacts[{profile:{name}, wa_id}]` (none for system messages).
 */
export function receiveInbound(
  core: SimulatorCore,
  input: z.output<typeof inboundBodySchema>,
): { wamid: string; timestamp: string } {
  const num = core.numbers.get(input.phoneNumberId);
  if (!num) throw new ControlError('not_found', `phone number ${input.phoneNumberId} is not registered`);
  const display = digitsOf(num.displayPhoneNumber);
  if (input.from === display)
    throw new ControlError('invalid_request', 'from must not be the business number');

  const { type, context, ...rest } = input.message;
  const content: Record<string, unknown> = { ...rest };
  if (MEDIA_TYPES.has(type)) content[type] = withMedia(core, input, type);
  if (type === 'unsupported' && content.errors === undefined) {
    content.errors = [webhookError(131051, 'Message type is currently not supported.')];
    content.unsupported ??= { type: 'unknown' };
  }
  const now = core.clock.nowMs();
  const wamid = core.ids.wamid(input.from);
  const timestamp = String(Math.floor(now / 1000));
  const ctx =
    context && context.id !== undefined && context.from === undefined
      ? { from: display, ...context }
      : context;
  const message: Record<string, unknown> = {
    ...(ctx ? { context: ctx } : {}),
    from: input.from,
    id: wamid,
    timestamp,
    type,
    [type]: content[type],
  };
  for (const [k, v] of Object.entries(content)) if (k !== type) message[k] = v;

  const name = input.name ?? core.customers.nameOf(input.from) ?? input.from;
  core.customers.recordInbound(num.phoneNumberId, input.from, now, input.name, type !== 'system');
  const entry = { direction: 'inbound' as const, wamid, at: new Date(now).toISOString(), type, message };
  core.customers.appendConversation(num.phoneNumberId, input.from, entry);
  core.feed.publish({
    kind: 'message',
    phoneNumberId: num.phoneNumberId,
    customer: input.from,
    message: toConversationMessage(entry),
  });
  core.queue.enqueue({
    kind: 'message',
    wabaId: num.wabaId,
    key: `${num.phoneNumberId}:${input.from}`,
    metadata: { display_phone_number: display, phone_number_id: num.phoneNumberId },
    ...(type === 'system' ? {} : { contact: { profile: { name }, wa_id: input.from } }),
    message,
  });
  return { wamid, timestamp };
}

/** The media object of an inbound media message, storing `input.media` bytes when the object has no id. */
function withMedia(
  core: SimulatorCore,
  input: z.output<typeof inboundBodySchema>,
  type: string,
): Record<string, unknown> {
  const given = input.message[type] as Record<string, unknown>;
  if (given.id !== undefined) {
    if (input.media)
      throw new ControlError('invalid_request', `message.${type}.id and media are mutually exclusive`);
    return given;
  }
  if (!input.media)
    throw new ControlError('invalid_request', `message.${type} needs an id or the control body needs media`);
  const bytes = Buffer.from(input.media.base64, 'base64');
  const filename = input.media.filename ?? (typeof given.filename === 'string' ? given.filename : undefined);
  const obj = core.media.putUnchecked(input.phoneNumberId, bytes, input.media.mimeType, filename);
  return {
    ...given,
    ...(type === 'document' && filename !== undefined ? { filename } : {}),
    mime_type: obj.mimeType,
    sha256: obj.sha256,
    id: obj.id,
  };
}
