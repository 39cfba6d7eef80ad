import { z } from 'zod';

/**
 * Every domain event Tsunagi records, by type, with the zod schema of its data. An event says what happened
 * after the fact; it is written in the same transaction as the change (as jobs for the listeners that want it,
 * see domain-events.service.ts), so a listener sees exactly the changes that committed. Adding an event type
 * means adding a line here; publishers and listeners are checked against it at compile time.
 */
export const DOMAIN_EVENTS = {
  /** A new customer message was stored (webhook duplicates never make a second one). */
  'message.received': z.object({
    messageId: z.uuid(),
    conversationId: z.uuid(),
    contactId: z.uuid(),
    phoneNumberId: z.uuid(),
    type: z.string(),
  }),
  /** An outbound message moved forward (sent, delivered, read, failed), from a status webhook. */
  'message.status_changed': z.object({
    messageId: z.uuid(),
    conversationId: z.uuid(),
    status: z.string(),
    previousStatus: z.string(),
    errorCode: z.number().int().nullable(),
  }),
  /** A contact was created (first message, a send to a new number, an import, …). */
  'contact.created': z.object({ contactId: z.uuid() }),
  /** A conversation was created for a (contact, number). */
  'conversation.created': z.object({
    conversationId: z.uuid(),
    contactId: z.uuid(),
    phoneNumberId: z.uuid(),
  }),
  /** A conversation's status changed (resolved, reopened by a customer message, snoozed, woken). */
  'conversation.status_changed': z.object({
    conversationId: z.uuid(),
    status: z.string(),
    previousStatus: z.string(),
  }),
  /** A conversation's assignee or team changed. */
  'conversation.assigned': z.object({
    conversationId: z.uuid(),
    assigneeId: z.uuid().nullable(),
    teamId: z.uuid().nullable(),
  }),
  /** A person followed a campaign's short link (link previews and HEAD requests are not clicks). */
  'campaign.link_clicked': z.object({
    clickId: z.uuid(),
    campaignId: z.uuid(),
    contactId: z.uuid(),
    url: z.string(),
    /** The recipient's first click on any link of the campaign. */
    firstClick: z.boolean(),
  }),
  /** A message template's review status changed (webhook or sync): approved, rejected, paused, disabled, … */
  'template.status_changed': z.object({
    wabaId: z.string(),
    templateId: z.string().nullable(),
    name: z.string(),
    language: z.string(),
    status: z.string(),
    previousStatus: z.string().nullable(),
    reason: z.string().nullable(),
  }),
} as const;

/** The closed union of domain event types. */
export type DomainEventType = keyof typeof DOMAIN_EVENTS;

/** One domain event of type `T`. */
export interface DomainEvent<T extends DomainEventType = DomainEventType> {
  type: T;
  workspaceId: string;
  /**
   * What makes this occurrence unique (e.g. the message id, or message id and status): a listener's delivery is
   * enqueued once per (listener, type, key), so the same fact published twice is delivered once.
   */
  key: string;
  data: z.infer<(typeof DOMAIN_EVENTS)[T]>;
}

/** An event of any type, narrowed by `type`. */
export type AnyDomainEvent = { [T in DomainEventType]: DomainEvent<T> }[DomainEventType];
