import type { z } from 'zod';
import type { MessageDto, SendTargetFieldsSchema } from '../../../contracts/api.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import type { Db, MessageOrigin } from '../../db/types.ts';
import type { Principal } from '../auth/principal.rules.ts';
import { queueMessage, toMessageDto, type SendContent } from './messages.service.ts';

/** A send body of `POST /api/v1/messages`: the content in the Cloud API's shape plus who it goes to. */
export type SendToNumberBody = SendContent & z.infer<typeof SendTargetFieldsSchema>;

/** The outcome of a send request: the queued message, and whether it is the replay of an earlier request. */
export interface SendResultDto {
  message: MessageDto;
  replayed: boolean;
}

/** Who a message is from: a person in the console (`agent`, with their user id) or an API client (`api`). */
export function sendAuthor(principal: Pick<Principal, 'kind' | 'userId'>): {
  origin: MessageOrigin;
  authorUserId: string | null;
} {
  return principal.kind === 'session'
    ? { origin: 'agent', authorUserId: principal.userId }
    : { origin: 'api', authorUserId: null };
}

/** Queues a message in an existing conversation (window, idempotency: see `queueMessage`). */
export async function sendToConversation(
  deps: { db: Db; clock: Clock },
  principal: Principal,
  input: { conversationId: string; content: SendContent; idempotencyKey: string | null },
): Promise<SendResultDto> {
  const { message, replayed } = await queueMessage(deps, principal.workspaceId, {
    target: { conversationId: input.conversationId },
    content: input.content,
    ...sendAuthor(principal),
    idempotencyKey: input.idempotencyKey,
  });
  return { message: toMessageDto(message), replayed };
}

/**
 * Queues a message to a phone number from one of the workspace's numbers; the contact and conversation are
 * created on first contact. The Cloud API's addressing fields are not part of the stored content.
 */
export async function sendToNumber(
  deps: { db: Db; clock: Clock },
  principal: Principal,
  input: { body: SendToNumberBody; idempotencyKey: string | null },
): Promise<SendResultDto> {
  const {
    phoneNumberId,
    to,
    messaging_product: _product,
    recipient_type: _recipientType,
    ...content
  } = input.body;
  const { message, replayed } = await queueMessage(deps, principal.workspaceId, {
    target: { phoneNumberId, to },
    content,
    ...sendAuthor(principal),
    idempotencyKey: input.idempotencyKey,
  });
  return { message: toMessageDto(message), replayed };
}
